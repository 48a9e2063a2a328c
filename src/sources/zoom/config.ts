import { Type, type Static } from 'typebox';
import { SharedSecret, SourceId, WebhookBodyLimit } from '../common-config.js';
import { ZoomApiConfig, ZoomReconcileConfig } from './api/config.js';

export const ZoomSourceConfig = Type.Object(
  {
    id: SourceId,
    type: Type.Literal('zoom'),
    secretToken: SharedSecret('The Secret Token of the Zoom app (Features → Event Subscriptions)'),
    /** Zoom retries after 5, 20 and 60 minutes with the original timestamp, so 90 minutes by default. */
    timestampToleranceSeconds: Type.Integer({ minimum: 1, default: 5400 }),
    /** A participant who never leaves and whose meeting never ends is closed after this long. */
    sessionTimeoutHours: Type.Number({ exclusiveMinimum: 0, default: 12 }),
    /**
     * A participant event without `payload.object.id` (optional in Zoom's SDK types): with `uuid`,
     * its `object.uuid` is the source event id (map events[].sourceEventId to that uuid); without
     * it, such a webhook cannot be read (BODY_INVALID naming the field).
     */
    eventIdWhenMissing: Type.Optional(Type.Literal('uuid')),
    bodyLimitBytes: WebhookBodyLimit,
    /** A Zoom Server-to-Server OAuth app: with it, each webinar or meeting is reconciled from Zoom's report (docs/zoom-reconciliation.md). */
    api: Type.Optional(ZoomApiConfig),
    reconcile: Type.Optional(ZoomReconcileConfig),
  },
  { additionalProperties: false },
);
export type ZoomSourceConfig = Static<typeof ZoomSourceConfig>;
