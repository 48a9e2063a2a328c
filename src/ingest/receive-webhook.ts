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

/**
 * One webhook, in the order that keeps unauthenticated work small: the signature or token is
 * checked on the raw bytes first; only then is the body decoded, its depth bounded, parsed, checked
 * against the source's envelope, and handed to the source. Each step throws a RelayError to refuse.
 * A verdict to store always names what to store (by default the body as received).
 */
export function receiveWebhook(source: Source, raw: RawWebhook): WebhookVerdict {
  const verified = source.verify(raw);
  const { text, value } = parseJsonBody(raw.rawBody);
  let envelope = envelopes.get(source);
  if (!envelope) envelopes.set(source, (envelope = checker(source.envelopeSchema)));
  const body = envelope.assert(value, `${source.type} webhook`);
  const request: WebhookRequest = { ...raw, body, verified };
  const verdict = source.receive(request);
  return verdict.kind === 'store' && verdict.storedBody === undefined ? { ...verdict, storedBody: text } : verdict;
}
