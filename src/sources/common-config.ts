import { Type } from 'typebox';

/** What every source's configuration shares: its id, its body limit, and how long its secrets must be. */

/** The last segment of the source's webhook URL (`/webhooks/<id>`). */
export const SourceId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/**
 * The largest webhook body a source's route reads. Real payloads are a few KB (a Zoom registration
 * about 1.5 KB, an Eventbrite notice under 1 KB, a Tito registration about 1 KB plus under 1 KB per
 * ticket), so 64 KiB holds dozens of tickets while a refused request costs at most that much reading.
 */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 65_536;
export const WebhookBodyLimit = Type.Optional(
  Type.Integer({
    minimum: 1024,
    maximum: 16_777_216,
    default: DEFAULT_WEBHOOK_BODY_LIMIT,
    description: 'The largest body /webhooks/<id> reads; larger ones get 413 BODY_TOO_LARGE before they are read',
  }),
);

/** Shared secrets and tokens (HMAC keys used as text, bearer and URL tokens): at least this many characters. */
export const MIN_SECRET_LENGTH = 16;

/** A secret the relay and the platform share: at least MIN_SECRET_LENGTH characters. */
export function SharedSecret(description: string) {
  return Type.String({ minLength: MIN_SECRET_LENGTH, description });
}
