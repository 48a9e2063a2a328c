import { Type, type Static } from 'typebox';
import { MIN_SECRET_LENGTH, SourceId, WebhookBodyLimit } from '../common-config.js';

export const EVENTBRITE_API_BASE_URL = 'https://www.eventbriteapi.com/v3';

export const EventbriteSourceConfig = Type.Object(
  {
    id: SourceId,
    type: Type.Literal('eventbrite'),
    /**
     * Eventbrite signs nothing: the delivery URL carries this secret (`/webhooks/<id>?token=...`), so it
     * must be long enough not to be guessed.
     */
    webhookToken: Type.String({
      minLength: MIN_SECRET_LENGTH,
      description: 'The secret in the delivery URL: /webhooks/<id>?token=<webhookToken>',
    }),
    /** The organizer's OAuth token (private token): reads orders, attendees and events. */
    apiToken: Type.String({ minLength: 1, description: "The organizer's Eventbrite OAuth token (sent as Authorization: Bearer)" }),
    /** Only `api_url`s under this origin and path are fetched (everything else is refused with 400). */
    apiBaseUrl: Type.String({ pattern: '^https?://[^/?#@\\s]+(/[^?#\\s]*)?$', default: EVENTBRITE_API_BASE_URL }),
    /** Eventbrite allows 2,000 calls per hour and 48,000 per day per OAuth token. */
    requestsPerHour: Type.Integer({ minimum: 1, default: 2000 }),
    requestsPerDay: Type.Integer({ minimum: 1, default: 48_000 }),
    /** One GET to Eventbrite, headers and body, must finish within this. */
    requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 20_000, default: 10_000 }),
    /** An event (its end time, the `leftAt` of check-ins) is fetched once and kept this long. */
    eventCacheMinutes: Type.Number({ minimum: 0, default: 60 }),
    bodyLimitBytes: WebhookBodyLimit,
  },
  { additionalProperties: false },
);
export type EventbriteSourceConfig = Static<typeof EventbriteSourceConfig>;
