import type { IncomingHttpHeaders } from 'node:http';
import type { TSchema } from 'typebox';
import type { AttendanceFact } from '../domain/facts.js';

/** A webhook as it arrives: its bytes and headers, nothing parsed yet. */
export interface RawWebhook {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown>;
  receivedAt: number;
}

/** What verification learnt: e.g. Standard Webhooks names the delivery (`webhook-id`). */
export interface Verified {
  deliveryId?: string;
}

/** A verified webhook, its body parsed and matching the source's envelope. */
export interface WebhookRequest extends RawWebhook {
  body: unknown;
  verified: Verified;
}

/** What to do with a verified webhook. */
export type WebhookVerdict =
  /**
   * Store it durably, then answer 200; `dedupKey` makes a redelivery a duplicate. With
   * `needsDetails`, its details are fetched in the background (Source.fetchDetails) before processing.
   */
  | {
      kind: 'store';
      dedupKey: string;
      needsDetails?: boolean;
      /** What to keep instead of the raw bytes (e.g. with a header the mapping reads, or a secret removed). */
      storedBody?: string;
    }
  /**
   * Answer at once without storing (e.g. an endpoint challenge). `ignoredEventType`: for an event
   * type no rule maps (answered `ignored`), the type as the webhook names it ('' when it names none).
   */
  | { kind: 'respond'; statusCode: number; body: unknown; ignoredEventType?: string };

/** One configured platform: verifies its webhooks and reads facts from stored ones. */
export interface Source {
  readonly id: string;
  readonly type: string;
  /** The envelope every webhook of this source must match (the route's body schema). */
  readonly envelopeSchema: TSchema;
  /** Open sessions are closed after this long without a leave or an end. */
  readonly sessionTimeoutMs: number;
  /** The length of an attendance whose leave time nobody knows (no source time, no event end). */
  readonly defaultAttendMs?: number;
  /** The largest body its route reads (default DEFAULT_WEBHOOK_BODY_LIMIT). */
  readonly bodyLimitBytes?: number;
  /**
   * Checks a webhook's signature or token on its raw bytes, before anything is parsed; throws a
   * RelayError (401) to refuse it. See receiveOrPark (src/ingest/receive-webhook.ts) for the order of the steps.
   */
  verify(request: RawWebhook): Verified;
  /**
   * What a parked webhook (verified, not readable) keeps of its parsed body; by default the body
   * as received. E.g. a secret the platform echoes in the body is removed.
   */
  keptBody?(body: unknown, request?: RawWebhook): string | undefined;
  /**
   * The request a stored body stands for, when the source stores more than the raw body (a generic
   * source keeps the headers its mapping reads): a replay of a parked webhook reads it as it arrived.
   */
  keptRequest?(stored: string): { rawBody: string; headers: Record<string, string> } | undefined;
  /** Checks and decides on a verified webhook whose body matches `envelopeSchema`; throws a RelayError to refuse it. */
  receive(request: WebhookRequest): WebhookVerdict;
  /**
   * For thin notices that only point at their data: fetches it. Runs in the background with
   * retries (never inside the request); throw DetailsFetchError to say whether retrying can help.
   */
  fetchDetails?(body: unknown, signal: AbortSignal): Promise<unknown>;
  /** Reads the facts in a stored webhook body (and its fetched details). Pure: may run again on replay. */
  interpret(body: unknown, details?: unknown): AttendanceFact[];
  /**
   * The platform account a stored webhook body names (Zoom's `account_id`), if any: the external
   * account id of the HubSpot events the relay creates for a mapping that configures none.
   */
  accountOf?(body: unknown): string | undefined;
}

/**
 * A failed details fetch; `retryable: false` gives up at once (e.g. 404), `retryAfterMs` paces a 429.
 * `spendsAttempt: false` (rate-limit waits) reschedules without counting toward the attempt limit.
 */
export class DetailsFetchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly spendsAttempt = true,
  ) {
    super(message);
    this.name = 'DetailsFetchError';
  }
}

/**
 * The platform answered, but with an object the source cannot read: fetching again would bring the
 * same. The webhook is parked with the reason, like one its source cannot read at receipt, and a
 * replay after an upgrade or a configuration change fetches and reads it again.
 */
export class DetailsUnreadableError extends DetailsFetchError {
  constructor(message: string) {
    super(message, false);
    this.name = 'DetailsUnreadableError';
  }
}
