import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RelayError } from '../../http/errors.js';
import { bearerToken, constantTimeEqual, sameSecret } from '../../support/secrets.js';
import type { Verified } from '../types.js';
import { parseTime } from './values.js';

/** How a source's webhooks are verified (the `verify` block of a generic source, resolved). */
export type VerifySettings =
  | { scheme: 'standard-webhooks'; secret: string; toleranceSeconds: number }
  | {
      scheme: 'hmac-sha256';
      secret: string;
      header: string;
      encoding: 'hex' | 'base64';
      prefix: string;
      signedPayload: 'body' | 'timestamp.body';
      timestampHeader?: string;
      toleranceSeconds: number;
      /** signedPayload body: a webhook whose own time (map.occurredAt / joinedAt) is older than this is refused as a replay. */
      maxBodyAgeHours?: number;
    }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'livestorm'; secret: string; toleranceSeconds: number };

export interface VerifyInput {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  nowMs: number;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return undefined; // a repeated signature header is never valid
  return value?.trim() || undefined;
}

function checkTimestamp(raw: string, nowMs: number, toleranceSeconds: number, name: string): void {
  // Checked after the signature, so the timestamp is known to be the sender's own.
  const at = /^\d{1,13}$/.test(raw) ? parseTime(raw) : undefined;
  if (at === undefined || Math.abs(nowMs - at) > toleranceSeconds * 1000) {
    throw new RelayError('TIMESTAMP_OUT_OF_RANGE', `${name} is more than ${toleranceSeconds} s from now`);
  }
}

// ----- Standard Webhooks (https://www.standardwebhooks.com, spec/standard-webhooks.md) -----

/** The HMAC key of a Standard Webhooks secret: base64 after an optional `whsec_` prefix. */
export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.trim().replace(/^whsec_/, ''), 'base64');
}

/** The spec asks for secrets of 24 to 64 random bytes. */
export const MIN_STANDARD_WEBHOOKS_KEY_BYTES = 24;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why `secret` is not a usable Standard Webhooks secret (strict base64 of at least 24 bytes), or undefined. */
export function standardWebhooksSecretProblem(secret: string): string | undefined {
  const text = secret.trim().replace(/^whsec_/, '');
  // Strict: Buffer.from(…, 'base64') skips what is not base64, so a typo would silently shorten the key.
  if (!BASE64.test(text) || text.length % 4 !== 0 || Buffer.from(text, 'base64').toString('base64') !== text) {
    return 'must be the signing secret: base64, optionally after whsec_';
  }
  const bytes = Buffer.from(text, 'base64').length;
  return bytes < MIN_STANDARD_WEBHOOKS_KEY_BYTES
    ? `must decode to at least ${MIN_STANDARD_WEBHOOKS_KEY_BYTES} bytes (it decodes to ${bytes})`
    : undefined;
}

/** base64 HMAC-SHA256(key, `{webhook-id}.{webhook-timestamp}.{body}`). */
function standardWebhooksMac(key: Buffer, id: string, timestamp: string, body: Buffer | string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/** `v1,` + the signature of a Standard Webhooks message, as a sender writes it. */
export function standardWebhooksSignature(secret: string, id: string, timestamp: string, body: Buffer | string): string {
  return `v1,${standardWebhooksMac(standardWebhooksKey(secret), id, timestamp, body)}`;
}

function verifyStandardWebhooks(settings: { secret: string; toleranceSeconds: number }, input: VerifyInput): Verified {
  const id = header(input.headers, 'webhook-id');
  const timestamp = header(input.headers, 'webhook-timestamp');
  const signatures = header(input.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new RelayError('SIGNATURE_MISSING', 'webhook-id, webhook-timestamp and webhook-signature headers are required');
  }
  // Never accept under an empty key (anyone could sign); configuration refuses such a secret too.
  const key = standardWebhooksKey(settings.secret);
  if (key.length === 0) throw new RelayError('SIGNATURE_INVALID');
  const expected = standardWebhooksMac(key, id, timestamp, input.rawBody);
  // A space-separated list (several during a secret rotation); any v1 entry may match, others are skipped.
  let valid = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    if (constantTimeEqual(entry.slice(comma + 1), expected)) valid = true;
  }
  if (!valid) throw new RelayError('SIGNATURE_INVALID');
  checkTimestamp(timestamp, input.nowMs, settings.toleranceSeconds, 'webhook-timestamp');
  return { deliveryId: id };
}

// ----- HMAC-SHA256 in a header of the sender's choosing -----

/** The header value a sender using this `hmac-sha256` configuration would send. */
export function hmacSignature(
  settings: { secret: string; encoding: 'hex' | 'base64'; prefix: string },
  body: Buffer | string,
  timestamp?: string,
): string {
  const mac = createHmac('sha256', settings.secret);
  if (timestamp !== undefined) mac.update(`${timestamp}.`);
  return settings.prefix + mac.update(body).digest(settings.encoding);
}

function verifyHmac(settings: Extract<VerifySettings, { scheme: 'hmac-sha256' }>, input: VerifyInput): Verified {
  const signature = header(input.headers, settings.header);
  const timestamp = settings.signedPayload === 'timestamp.body' ? header(input.headers, settings.timestampHeader ?? '') : undefined;
  if (!signature || (settings.signedPayload === 'timestamp.body' && !timestamp)) {
    const names =
      settings.signedPayload === 'timestamp.body'
        ? `${settings.header} and ${settings.timestampHeader} headers are`
        : `the ${settings.header} header is`;
    throw new RelayError('SIGNATURE_MISSING', `${names} required`);
  }
  const expected = hmacSignature(settings, input.rawBody, timestamp);
  // Hex is compared case-insensitively; base64 as sent.
  const given = settings.encoding === 'hex' ? signature.toLowerCase() : signature;
  const wanted = settings.encoding === 'hex' ? expected.toLowerCase() : expected;
  if (!constantTimeEqual(given, wanted)) throw new RelayError('SIGNATURE_INVALID');
  if (timestamp !== undefined) checkTimestamp(timestamp, input.nowMs, settings.toleranceSeconds, settings.timestampHeader ?? 'timestamp');
  return {};
}

// ----- Bearer token -----

function verifyBearer(settings: { token: string }, input: VerifyInput): Verified {
  const token = bearerToken(header(input.headers, 'authorization'));
  if (!token) throw new RelayError('SIGNATURE_MISSING', 'an Authorization: Bearer header is required');
  if (!sameSecret(token, settings.token)) throw new RelayError('SIGNATURE_INVALID');
  return {};
}

// ----- Livestorm (x-livestorm-signature: `{timestamp},{hex sha256(timestamp + secret + body)}`) -----

/** The `x-livestorm-signature` value Livestorm sends for `body` at `timestamp` (seconds). */
export function livestormSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `${timestamp},${createHash('sha256').update(timestamp).update(secret).update(body).digest('hex')}`;
}

function verifyLivestorm(settings: { secret: string; toleranceSeconds: number }, input: VerifyInput): Verified {
  const value = header(input.headers, 'x-livestorm-signature');
  const comma = value?.indexOf(',') ?? -1;
  if (!value || comma < 0)
    throw new RelayError('SIGNATURE_MISSING', 'the x-livestorm-signature header ({timestamp},{signature}) is required');
  const timestamp = value.slice(0, comma).trim();
  const expected = livestormSignature(settings.secret, timestamp, input.rawBody);
  if (!constantTimeEqual(value.toLowerCase().replace(/\s+/g, ''), expected)) throw new RelayError('SIGNATURE_INVALID');
  checkTimestamp(timestamp, input.nowMs, settings.toleranceSeconds, 'the x-livestorm-signature timestamp');
  return {};
}

/** Throws a RelayError (401) unless the request is authentic under `settings`. */
export function verifyWebhook(settings: VerifySettings, input: VerifyInput): Verified {
  switch (settings.scheme) {
    case 'standard-webhooks':
      return verifyStandardWebhooks(settings, input);
    case 'hmac-sha256':
      return verifyHmac(settings, input);
    case 'bearer':
      return verifyBearer(settings, input);
    case 'livestorm':
      return verifyLivestorm(settings, input);
  }
}
