import { Type, type Static } from 'typebox';
import { SourceId, WebhookBodyLimit } from '../../common-config.js';
import { DefaultAttendMinutes } from '../config.js';
import { PresetSecret, PresetTolerance, presetModule } from './create.js';
import type { Preset } from './types.js';

/**
 * Livestorm webhooks managed through its REST API (the older in-app webhooks are not signed and
 * cannot be used); sources in README.md. The person is a JSON:API `people` resource; name and email
 * are attributes, and also registration fields (`registrant_detail.fields[id=email]`).
 */
export const livestorm: Preset = {
  verify: { scheme: 'livestorm' },
  map: {
    // Not documented publicly (see README.md). A user who creates one webhook per event type can
    // configure a generic source with this map and `eventType: "const:people.attended"` instead.
    eventType: ['meta.event', 'event', 'meta.webhook.event'],
    states: { 'people.registered': 'register', 'people.attended': 'attend' },
    email: ['data.attributes.email', 'data.attributes.registrant_detail.fields[id=email].value'],
    firstName: ['data.attributes.first_name', 'data.attributes.registrant_detail.fields[id=first_name].value'],
    lastName: ['data.attributes.last_name', 'data.attributes.registrant_detail.fields[id=last_name].value'],
    occurredAt: ['data.attributes.registrant_detail.created_at', 'data.attributes.created_at'],
    // people.attended comes after the session ended and names no join time: the session's start when
    // the payload includes the session, else the time Livestorm updated the registrant.
    joinedAt: [
      'included[type=sessions].attributes.started_at',
      'data.attributes.registrant_detail.updated_at',
      'data.attributes.updated_at',
    ],
    // How long they stayed; without it the end is the event's (events[].endsAt) or defaultAttendMinutes.
    durationSeconds: 'data.attributes.registrant_detail.attendance_duration',
    sourceEventId: ['data.attributes.registrant_detail.event_id', 'data.relationships.event.data.id'],
  },
};

/** `type: livestorm`: the webhook's secret. */
export const LivestormSourceConfig = Type.Object(
  {
    id: SourceId,
    type: Type.Literal('livestorm'),
    secret: PresetSecret,
    toleranceSeconds: PresetTolerance,
    defaultAttendMinutes: DefaultAttendMinutes,
    bodyLimitBytes: WebhookBodyLimit,
  },
  { additionalProperties: false },
);
export type LivestormSourceConfig = Static<typeof LivestormSourceConfig>;

export const livestormModule = presetModule('livestorm', livestorm, LivestormSourceConfig);
