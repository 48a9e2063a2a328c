import type { IncomingHttpHeaders } from 'node:http';
import type { TSchema } from 'typebox';
import type { AttendanceFact } from '../attendance/types.js';

export interface WebhookRequest {
  rawBody: Buffer;
  body: unknown;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown>;
  receivedAt: number;
}

/** What to do with a verified webhook. */
export type WebhookVerdict =
  /** Store it durably, then answer 200; `dedupKey` makes a redelivery a duplicate. */
  | { kind: 'store'; dedupKey: string }
  /** Answer at once without storing (e.g. an endpoint challenge). */
  | { kind: 'respond'; statusCode: number; body: unknown };

/** One configured platform: verifies its webhooks and reads facts from stored ones. */
export interface Source {
  readonly id: string;
  readonly type: string;
  /** The envelope every webhook of this source must match (the route's body schema). */
  readonly envelopeSchema: TSchema;
  /** Open sessions are closed after this long without a leave or an end. */
  readonly sessionTimeoutMs: number;
  /** Verifies and checks one webhook; throws a RelayError to refuse it. */
  receive(request: WebhookRequest): WebhookVerdict;
  /** Reads the facts in a stored webhook body. Pure: may run again on replay. */
  interpret(body: unknown): AttendanceFact[];
}
