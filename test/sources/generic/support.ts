import { createHmac } from 'node:crypto';
import type { RawWebhook } from '../../../src/sources/types.js';
import { livestormSignature, standardWebhooksSignature } from '../../../src/sources/generic/verify.js';

/** Message ids that differ on each call (as a sender's do) and are the same on each run. */
let messages = 0;

/** Headers a Standard Webhooks sender would send with `body`. */
export function standardWebhooksHeaders(
  secret: string,
  body: string,
  options: { id?: string; timestampSeconds?: number } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${++messages}`;
  const timestamp = String(options.timestampSeconds ?? Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': standardWebhooksSignature(secret, id, timestamp, body),
  };
}

/** Headers Tito sends: `Tito-Signature` (base64 HMAC-SHA256 of the body) and the webhook's name. */
export function titoHeaders(token: string, body: string, name: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'tito-signature': createHmac('sha256', token).update(body).digest('base64'),
    'x-webhook-name': name,
  };
}

/** Headers Livestorm sends with `body`. */
export function livestormHeaders(secret: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'content-type': 'application/json', 'x-livestorm-signature': livestormSignature(secret, String(timestampSeconds), body) };
}

/** A webhook as the route receives it (pass it to receiveWebhook). */
export function webhookRequest(body: string, headers: Record<string, string>, receivedAt = Date.now()): RawWebhook {
  return { rawBody: Buffer.from(body), headers, query: {}, receivedAt };
}
