import type { AdminRecord, RecordFilter, RecordStatus } from './ports.js';

/**
 * The WHERE clause of a record filter, with `?` placeholders (SQLite) or `$n` (PostgreSQL,
 * numbered from `firstParam`). Both stores build the same queries from it.
 */
export function recordFilterSql(filter: RecordFilter, dialect: 'sqlite' | 'postgres', firstParam = 1): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: unknown) => {
    if (value === undefined || value === '') return;
    params.push(value);
    clauses.push(`${column} = ${dialect === 'sqlite' ? '?' : `$${firstParam + params.length - 1}`}`);
  };
  add('status', filter.status);
  add('source_id', filter.sourceId);
  add('source_event_id', filter.sourceEventId);
  add('email', filter.email?.trim().toLowerCase());
  return { where: clauses.length > 0 ? clauses.join(' AND ') : '1 = 1', params };
}

export const ADMIN_RECORD_COLUMNS =
  'id, source_id, source_event_id, target_key, state, email, status, attempts, last_error, vid, occurred_at, created_at, updated_at';

export interface AdminRecordRow {
  id: number;
  source_id: string;
  source_event_id: string;
  target_key: string | null;
  state: string;
  email: string;
  status: RecordStatus;
  attempts: number;
  last_error: string | null;
  vid: number | null;
  occurred_at: number;
  created_at: number;
  updated_at: number;
}

export function toAdminRecord(row: AdminRecordRow): AdminRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    sourceEventId: row.source_event_id,
    targetKey: row.target_key,
    state: row.state,
    email: row.email,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
    vid: row.vid ?? undefined,
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
