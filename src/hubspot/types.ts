import type { BatchResponse, StandardError } from './shapes.js';

/** A HubSpot marketing event, by HubSpot's object id or by the external app's account and event ids. */
export type HubspotEventRef = { objectId: string } | { externalAccountId: string; externalEventId: string };

/** The `subscriberState` of the attendance endpoints. */
export type HubspotAttendanceState = 'register' | 'attend' | 'cancel';

/** One input of HubSpot's `BatchInputMarketingEventEmailSubscriber` (all property values are strings). */
export interface HubspotAttendanceInput {
  email: string;
  interactionDateTime: number;
  properties: Record<string, string>;
  contactProperties: Record<string, string>;
}

/**
 * An answer as read off the wire: HubSpot's shape (shapes.ts), but any field may be missing and any
 * listed word may be one HubSpot added since (e.g. a batch status CANCELED).
 */
type Received<T> = T extends string
  ? string
  : T extends Array<infer Item>
    ? Array<Received<Item>>
    : T extends object
      ? { [K in keyof T]?: Received<T[K]> }
      : T;

/** A StandardError in `errors[]` of a batch response; `subCategory` may be an object, as the spec has it. */
export type HubspotStandardError = Omit<Received<StandardError>, 'subCategory'> & { subCategory?: string | Record<string, unknown> };

/** A BatchResponseSubscriberEmailResponse from HubSpot, with the correlationId it may add. */
export type ReceivedBatchResponse = Omit<Received<BatchResponse>, 'errors'> & { errors?: HubspotStandardError[]; correlationId?: string };

/** HubSpot's answer to one request, sorted into what the relay does about it. */
export type HubspotAnswer =
  /** 2xx: read results and errors[] per input. */
  | { kind: 'ok'; status: number; body: ReceivedBatchResponse }
  /** 400: something in the batch is invalid; split to find it. */
  | { kind: 'rejected'; status: number; message: string; correlationId?: string }
  /** Another 4xx that retrying will not fix (e.g. 404 for an unknown event). */
  | { kind: 'failed'; status: number; message: string; correlationId?: string }
  /** 401/403: the token is revoked or lacks scopes; delivery pauses for the account. */
  | { kind: 'auth'; status: number; category: string; message: string; scopes: string[]; correlationId?: string }
  /** 429: pause all sends (the window, or until the daily limit resets). */
  | { kind: 'rate-limited'; status: 429; policy: string; message: string; retryAfterMs?: number; correlationId?: string }
  /** Network error, timeout, 423 or 5xx: retry with backoff. */
  | { kind: 'transient'; status?: number; message: string; retryAfterMs?: number; correlationId?: string };

export interface RateLimitHeaders {
  intervalMs?: number;
  max?: number;
  remaining?: number;
  dailyRemaining?: number;
}
