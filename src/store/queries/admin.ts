import type { Dialect, SqlRunner } from '../dialect.js';
import type {
  AdminQueries,
  AdminRecord,
  DeadWebhook,
  ParkedWebhook,
  QueueStats,
  RecordFilter,
  RecordStatus,
  StoredParkedWebhook,
  WaitingWebhook,
} from '../ports.js';
import { UNPROCESSED_INBOX } from '../rows.js';

/** The operator's queries, the same for both stores. */
export function adminQueries(db: SqlRunner, d: Dialect): AdminQueries {
  // $1: the known sources.
  const waitingForSource = `processed_at IS NULL AND parked_reason IS NULL AND NOT ${d.oneOf('source_id', '$1', 'text')}`;
  return {
    async listRecords(filter, limit, beforeId) {
      const { where, params } = recordFilterSql(filter, 3);
      const rows = await db.rows<AdminRecordRow>(
        `SELECT ${ADMIN_RECORD_COLUMNS} FROM records WHERE id < $1 AND ${where} ORDER BY id DESC LIMIT $2`,
        [beforeId ?? Number.MAX_SAFE_INTEGER, limit, ...params],
      );
      return rows.map(toAdminRecord);
    },
    async replayDeadRecords(selection, now) {
      const { where, params } = recordFilterSql({ ...selection.filter, status: 'dead' }, 2);
      const ids = selection.ids ? ` AND ${d.oneOf('id', `$${2 + params.length}`, 'bigint')}` : '';
      return db.changes(
        `UPDATE records SET status = 'pending', attempts = 0, next_attempt_at = $1, created_at = $1, updated_at = $1 WHERE ${where}${ids}`,
        [now, ...params, ...(selection.ids ? [d.list(selection.ids)] : [])],
      );
    },
    async listDeadWebhooks(limit, beforeId) {
      const rows = await db.rows<DeadWebhook & { error: string | null }>(
        `SELECT id, source_id AS "sourceId", received_at AS "receivedAt", details_attempts AS attempts, details_error AS error
         FROM inbox WHERE details_status = 'dead' AND id < $1 ORDER BY id DESC LIMIT $2`,
        [beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows.map((r) => ({ ...r, error: r.error ?? undefined }));
    },
    replayDeadWebhooks: (ids, now) =>
      db.changes(
        `UPDATE inbox SET details_status = 'pending', details_attempts = 0, details_next_at = $1
         WHERE details_status = 'dead' AND (${d.noList('$2', 'bigint')} OR ${d.oneOf('id', '$2', 'bigint')})`,
        [now, ids === 'all' ? null : d.list(ids)],
      ),
    listParkedWebhooks: (limit, beforeId) =>
      db.rows<ParkedWebhook>(
        `SELECT id, source_id AS "sourceId", received_at AS "receivedAt", parked_reason AS reason FROM inbox
         WHERE parked_reason IS NOT NULL AND id < $1 ORDER BY id DESC LIMIT $2`,
        [beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      ),
    parkedWebhooksToRead: (ids, limit, afterId) =>
      db.rows<StoredParkedWebhook>(
        `SELECT id, source_id AS "sourceId", received_at AS "receivedAt", body FROM inbox
         WHERE parked_reason IS NOT NULL AND id > $1 AND (${d.noList('$3', 'bigint')} OR ${d.oneOf('id', '$3', 'bigint')})
         ORDER BY id LIMIT $2`,
        [afterId ?? 0, limit, ids === 'all' ? null : d.list(ids)],
      ),
    async settleParkedWebhooks(readings, now) {
      for (const r of readings) {
        if (r.readable) {
          await db.changes(
            `UPDATE inbox SET parked_reason = NULL, body = $2, details_status = $3, details_next_at = $4
             WHERE id = $1 AND parked_reason IS NOT NULL`,
            [r.id, r.body, r.needsDetails ? 'pending' : null, r.needsDetails ? now : null],
          );
        } else {
          await db.changes('UPDATE inbox SET parked_reason = $2 WHERE id = $1 AND parked_reason IS NOT NULL', [r.id, r.reason]);
        }
      }
    },
    listWaitingWebhooks: (known, limit, beforeId) =>
      db.rows<WaitingWebhook>(
        `SELECT id, source_id AS "sourceId", received_at AS "receivedAt" FROM inbox
         WHERE ${waitingForSource} AND id < $2 ORDER BY id DESC LIMIT $3`,
        [d.list(known), beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      ),
    async countWaitingWebhooks(known) {
      const rows = await db.rows<{ sourceId: string; n: number }>(
        `SELECT source_id AS "sourceId", COUNT(*) AS n FROM inbox WHERE ${waitingForSource} GROUP BY source_id`,
        [d.list(known)],
      );
      return Object.fromEntries(rows.map((r) => [r.sourceId, r.n]));
    },
    async queueStats(): Promise<QueueStats> {
      const [row] = await db.rows<{ unprocessed: number; awaiting: number; dead: number; parked: number; oldest: number | null }>(
        `SELECT
           (SELECT COUNT(*) FROM inbox WHERE ${UNPROCESSED_INBOX}) AS unprocessed,
           (SELECT COUNT(*) FROM inbox WHERE details_status = 'pending') AS awaiting,
           (SELECT COUNT(*) FROM inbox WHERE details_status = 'dead') AS dead,
           (SELECT COUNT(*) FROM inbox WHERE parked_reason IS NOT NULL) AS parked,
           (SELECT MIN(created_at) FROM records WHERE status = 'pending') AS oldest`,
      );
      return {
        unprocessedWebhooks: row?.unprocessed ?? 0,
        webhooksAwaitingDetails: row?.awaiting ?? 0,
        deadWebhooks: row?.dead ?? 0,
        parkedWebhooks: Number(row?.parked ?? 0),
        oldestPendingAt: row?.oldest ?? undefined,
      };
    },
  };
}

/** The WHERE clause of a record filter, its parameters numbered from `firstParam`. */
export function recordFilterSql(filter: RecordFilter, firstParam: number): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: unknown) => {
    if (value === undefined || value === '') return;
    params.push(value);
    clauses.push(`${column} = $${firstParam + params.length - 1}`);
  };
  add('status', filter.status);
  add('source_id', filter.sourceId);
  add('source_event_id', filter.sourceEventId);
  add('email', filter.email?.trim().toLowerCase());
  return { where: clauses.length > 0 ? clauses.join(' AND ') : '1 = 1', params };
}

const ADMIN_RECORD_COLUMNS =
  'id, source_id, source_event_id, target_key, state, email, status, attempts, last_error, vid, occurred_at, created_at, updated_at';

interface AdminRecordRow {
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

function toAdminRecord(row: AdminRecordRow): AdminRecord {
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
