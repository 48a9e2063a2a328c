import type { SubscriberState } from '../attendance/types.js';
import type { DeliveryRecord, SessionRow } from './types.js';

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
  email: string;
  first_join: number | null;
  last_join: number | null;
  last_leave: number | null;
  sent_join: number | null;
  sent_leave: number | null;
  contact: string;
}

const orUndefined = (value: number | null): number | undefined => (value === null ? undefined : value);

export function toSessionRow(row: SessionDbRow): SessionRow {
  return {
    sourceId: row.source_id,
    sourceEventId: row.source_event_id,
    email: row.email,
    times: {
      firstJoin: orUndefined(row.first_join),
      lastJoin: orUndefined(row.last_join),
      lastLeave: orUndefined(row.last_leave),
      sentJoin: orUndefined(row.sent_join),
      sentLeave: orUndefined(row.sent_leave),
    },
    contact: JSON.parse(row.contact),
  };
}
