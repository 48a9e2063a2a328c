import { RelayError } from '../../http/errors.js';
import { sameSecret } from '../../support/secrets.js';

/**
 * Eventbrite signs nothing, so the delivery URL carries a secret: `?token=<webhookToken>`. Both
 * sides are hashed first, so the comparison takes the same time whatever the length of the guess.
 */
export function verifyWebhookToken(query: Record<string, unknown>, expected: string): void {
  const token = query.token;
  if (token === undefined || token === '') {
    throw new RelayError('SIGNATURE_MISSING', 'The token query parameter is required (/webhooks/<id>?token=...)');
  }
  // A repeated parameter (an array) is never valid.
  if (typeof token !== 'string') throw new RelayError('SIGNATURE_INVALID', 'The token query parameter does not match');
  if (!sameSecret(token, expected)) throw new RelayError('SIGNATURE_INVALID', 'The token query parameter does not match');
}

/** What the relay does with each action Eventbrite sends. */
export type EventbriteActionKind =
  /** The dashboard's Test button: answered 200, nothing stored or fetched. */
  | 'test'
  /** Fetch the order or attendee; `register`, or `cancel` when cancelled or refunded. */
  | 'state'
  /** Fetch the attendee (and its event once); `attend` from check-in to the event's end. */
  | 'check-in'
  /** Stored (a trace), never fetched, nothing sent to HubSpot. */
  | 'check-out'
  /** Fetch the event (fresh): its details for a HubSpot event the relay creates (createEvents). */
  | 'event'
  /** Acknowledged and ignored (events, venues, ticket classes, order.updated, ...). */
  | 'other';

const KIND_BY_ACTION: Record<string, EventbriteActionKind> = {
  test: 'test',
  'order.placed': 'state',
  'order.refunded': 'state',
  'attendee.updated': 'state',
  // Eventbrite's docs name the check-in actions attendee.checked_in / attendee.checked_out; deliveries
  // and integrations in the wild use barcode.checked_in / barcode.un_checked_in. Both are taken.
  'attendee.checked_in': 'check-in',
  'barcode.checked_in': 'check-in',
  'attendee.checked_out': 'check-out',
  'barcode.un_checked_in': 'check-out',
  'event.updated': 'event',
};

export function eventbriteActionKind(action: string): EventbriteActionKind {
  return Object.hasOwn(KIND_BY_ACTION, action) ? (KIND_BY_ACTION[action] ?? 'other') : 'other';
}

/** Path characters an Eventbrite API path needs (ids, names, slashes): nothing encoded, no dots. */
const SAFE_PATH = /^[A-Za-z0-9_/-]*$/;

/**
 * The SSRF guard: the URL to fetch for `apiUrl`, or undefined unless it has apiBaseUrl's origin
 * (scheme, host and port), no credentials, and a path under apiBaseUrl's path. The result is rebuilt
 * from the base's origin and the checked path only: any query or fragment of `apiUrl` is dropped.
 */
export function apiUrlUnderBase(apiUrl: string, base: URL): URL | undefined {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') return undefined;
  const prefix = `${base.pathname.replace(/\/+$/, '')}/`;
  if (!url.pathname.startsWith(prefix)) return undefined;
  if (!SAFE_PATH.test(url.pathname.slice(prefix.length))) return undefined;
  // The raw text must not smuggle what the parser normalised away (`..`, `%2e`, backslashes).
  if (/\.\.|%2e|%2f|%5c|\\/i.test(apiUrl)) return undefined;
  return new URL(url.pathname, base.origin);
}

/** The api_url of an order (`.../orders/<id>/`), which is fetched with `expand=attendees`. */
export function isOrderUrl(url: URL): boolean {
  return /\/orders\/[A-Za-z0-9_-]+\/?$/.test(url.pathname);
}
