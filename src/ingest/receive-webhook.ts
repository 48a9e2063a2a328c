import { createHash } from 'node:crypto';
import { RelayError } from '../http/errors.js';
import { checker, type Checker } from '../sources/check.js';
import type { RawWebhook, Source, WebhookRequest, WebhookVerdict } from '../sources/types.js';

/** Real webhooks nest a handful of levels (Zoom 5, Livestorm's JSON:API 6); deeper is refused. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `max`, read from the bytes in one pass (UTF-8 continuation
 * bytes are never ASCII, so brackets and quotes are found exactly): refused before JSON.parse builds
 * anything.
 */
export function nestsDeeperThan(bytes: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      // [ {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      // ] }
      depth--;
    }
  }
  return false;
}

/** The body as text and as JSON; BODY_NOT_JSON or BODY_INVALID (too deep) otherwise. */
export function parseJsonBody(bytes: Buffer): { text: string; value: unknown } {
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) throw new RelayError('BODY_INVALID', `The JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  const text = bytes.toString('utf8');
  try {
    return { text, value: JSON.parse(text) };
  } catch {
    throw new RelayError('BODY_NOT_JSON');
  }
}

const envelopes = new WeakMap<Source, Checker<Source['envelopeSchema']>>();

/** A verified webhook its source cannot read: kept, answered 200, and read again by a replay. */
export interface ParkVerdict {
  kind: 'park';
  /** Why (the BODY_INVALID message: source, key or path, what was found). */
  reason: string;
  dedupKey: string;
  storedBody: string;
}

/** What the source cannot read in a verified body: its mapping or envelope refused it (BODY_INVALID). */
const isUnreadable = (error: unknown): error is RelayError => error instanceof RelayError && error.code === 'BODY_INVALID';

/**
 * One webhook, in the order that keeps unauthenticated work small: the signature or token is
 * checked on the raw bytes first; only then is the body decoded, its depth bounded, parsed, and read
 * by its source (readWebhook). Each step throws a RelayError to refuse.
 */
export function receiveWebhook(source: Source, raw: RawWebhook): WebhookVerdict {
  const verified = source.verify(raw);
  const { text, value } = parseJsonBody(raw.rawBody);
  return readWebhook(source, { ...raw, body: value, verified }, text);
}

/**
 * As receiveWebhook, but a verified JSON body is kept whatever its content: one its source cannot
 * read is parked instead of refused. Only failed verification, a body that is not JSON, too deep or
 * too large is still refused (and stored nowhere).
 */
export function receiveOrPark(source: Source, raw: RawWebhook): WebhookVerdict | ParkVerdict {
  const verified = source.verify(raw);
  const { text, value } = parseJsonBody(raw.rawBody);
  try {
    return readWebhook(source, { ...raw, body: value, verified }, text);
  } catch (error) {
    if (!isUnreadable(error)) throw error;
    // A delivery id names a redelivery; else the bytes do: a retried delivery is one parked row.
    const id = verified.deliveryId;
    const dedupKey = id !== undefined ? `id:${id}` : createHash('sha256').update(raw.rawBody).digest('base64url');
    return { kind: 'park', reason: error.message, dedupKey, storedBody: source.keptBody?.(value, raw) ?? text };
  }
}

/**
 * A verified body, already parsed, read by its source: checked against the source's envelope, then
 * handed to it. Throws BODY_INVALID when the source cannot read it. A replay of a parked webhook
 * runs this on the stored bytes again.
 */
export function readWebhook(source: Source, request: WebhookRequest, text: string): WebhookVerdict {
  let envelope = envelopes.get(source);
  if (!envelope) envelopes.set(source, (envelope = checker(source.envelopeSchema)));
  const body = envelope.assert(request.body, `${source.type} webhook`);
  const verdict = source.receive({ ...request, body });
  return verdict.kind === 'store' && verdict.storedBody === undefined ? { ...verdict, storedBody: text } : verdict;
}
