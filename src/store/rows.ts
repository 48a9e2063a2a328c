import type { SubscriberState } from '../domain/facts.js';
import type { DeliveryRecord, RecordStatus, SessionRow, SourceEventRow, WebhookStatus } from './ports.js';

export interface RecordRow {
  id: number;
  source_id: string;
  source_event_id: string;
  target_key: string;
  state: string;
  email: string;
  occurred_at: number;
  input: string;
  attempts: number;
  created_at: number;
  received_at: number;
}

export function toDeliveryRecord(row: RecordRow): DeliveryRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    sourceEventId: row.source_event_id,
    targetKey: row.target_key,
    state: row.state as SubscriberState,
    email: row.email,
    occurredAt: row.occurred_at,
    input: JSON.parse(row.input),
    attempts: row.attempts,
    createdAt: row.created_at,
    receivedAt: row.received_at,
  };
}

export interface SessionDbRow {
  source_id: string;
  source_event_id: string;
  occurrence: string;
  email: string;
  first_join: number | null;
  last_join: number | null;
  last_leave: number | null;
  closed_at: number | null;
  sent_join: number | null;
  sent_leave: number | null;
  contact: string;
}

const orUndefined = (value: number | null): number | undefined => (value === null ? undefined : value);

export function toSessionRow(row: SessionDbRow): SessionRow {
  return {
    sourceId: row.source_id,
    sourceEventId: row.source_event_id,
    occurrence: row.occurrence,
    email: row.email,
    times: {
      firstJoin: orUndefined(row.first_join),
      lastJoin: orUndefined(row.last_join),
      lastLeave: orUndefined(row.last_leave),
      closedAt: orUndefined(row.closed_at),
      sentJoin: orUndefined(row.sent_join),
      sentLeave: orUndefined(row.sent_leave),
    },
    contact: JSON.parse(row.contact),
  };
}

export interface SourceEventDbRow {
  starts_at: number | null;
  ends_at: number | null;
  ended_at: number | null;
}

export function toSourceEventRow(sourceId: string, sourceEventId: string, occurrence: string, row: SourceEventDbRow): SourceEventRow {
  return {
    sourceId,
    sourceEventId,
    occurrence,
    startsAt: orUndefined(row.starts_at),
    endsAt: orUndefined(row.ends_at),
    endedAt: orUndefined(row.ended_at),
  };
}

export interface WebhookDbRow {
  id: number;
  source_id: string;
  received_at: number;
  processed_at: number | null;
  outcome: string | null;
}

export interface WebhookRecordDbRow {
  id: number;
  email: string;
  state: string;
  status: RecordStatus;
  vid: number | null;
  last_error: string | null;
  updated_at: number;
}

/** Webhooks processing still has to read: not processed, and not waiting for (or failed at) fetching details. */
export const UNPROCESSED_INBOX = "processed_at IS NULL AND parked_reason IS NULL AND (details_status IS NULL OR details_status = 'ready')";

/**
 * What earlier relays wrote for a webhook whose source they did not have, marking it processed
 * (so it was lost). The same text is the predicate of the partial index inbox_unconfigured, which
 * keeps finding them cheap.
 */
export const UNCONFIGURED_OUTCOME = `outcome LIKE '{"error":"source % is not configured"}'`;

export function toWebhookStatus(row: WebhookDbRow, records: WebhookRecordDbRow[]): WebhookStatus {
  return {
    id: row.id,
    sourceId: row.source_id,
    receivedAt: row.received_at,
    processedAt: row.processed_at ?? undefined,
    outcome: row.outcome ?? undefined,
    records: records.map((r) => ({
      id: r.id,
      email: r.email,
      state: r.state,
      status: r.status,
      vid: r.vid ?? undefined,
      lastError: r.last_error ?? undefined,
      updatedAt: r.updated_at,
    })),
  };
}
