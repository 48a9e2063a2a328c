import { Type, type Static } from 'typebox';

/**
 * A Zoom Server-to-Server OAuth app (https://developers.zoom.us/docs/internal-apps/s2s-oauth/):
 * its account id, client id and client secret, from the app's page on the Zoom App Marketplace.
 */
export const ZoomApiConfig = Type.Object(
  {
    accountId: Type.String({ minLength: 1 }),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.String({ minLength: 1, description: 'Never logged' }),
    baseUrl: Type.String({ minLength: 1, default: 'https://api.zoom.us/v2' }),
    oauthUrl: Type.String({ minLength: 1, default: 'https://zoom.us/oauth/token' }),
  },
  { additionalProperties: false },
);
export type ZoomApiConfig = Static<typeof ZoomApiConfig>;

export const ZoomReconcileConfig = Type.Object(
  {
    /** Zoom's reports appear some time after the end: the report is read this long after `*.ended`. */
    afterEndMinutes: Type.Number({ minimum: 0, default: 30 }),
    /** A webinar or meeting seen but never reported ended is checked this long after its scheduled end. */
    missedEndHours: Type.Number({ minimum: 0, default: 6 }),
  },
  { additionalProperties: false },
);
export type ZoomReconcileConfig = Static<typeof ZoomReconcileConfig>;

export const RECONCILE_DEFAULTS: ZoomReconcileConfig = { afterEndMinutes: 30, missedEndHours: 6 };
