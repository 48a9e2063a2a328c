import type pg from 'pg';
import { ADMIN_RECORD_COLUMNS, recordFilterSql, toAdminRecord, type AdminRecordRow } from '../admin-sql.js';
import { UNPROCESSED_INBOX } from '../rows.js';
import type { AdminQueries, DeadWebhook, WaitingWebhook } from '../ports.js';

// $1: the known sources.
const WAITING_FOR_SOURCE = 'processed_at IS NULL AND source_id <> ALL($1::text[])';

export function postgresAdminQueries(pool: pg.Pool): AdminQueries {
  return {
    async listRecords(filter, limit, beforeId) {
      const { where, params } = recordFilterSql(filter, 'postgres', 3);
      const { rows } = await pool.query<AdminRecordRow>(
        `SELECT ${ADMIN_RECORD_COLUMNS} FROM records WHERE id < $1 AND ${where} ORDER BY id DESC LIMIT $2`,
        [beforeId ?? Number.MAX_SAFE_INTEGER, limit, ...params],
      );
      return rows.map(toAdminRecord);
    },
    async replayDeadRecords(selection, now) {
      const { where, params } = recordFilterSql({ ...selection.filter, status: 'dead' }, 'postgres', 3);
      const ids = selection.ids ? ` AND id = ANY($${3 + params.length}::bigint[])` : '';
      const result = await pool.query(
        `UPDATE records SET status = 'pending', attempts = 0, next_attempt_at = $1, created_at = $1, updated_at = $2 WHERE ${where}${ids}`,
        [now, now, ...params, ...(selection.ids ? [selection.ids] : [])],
      );
      return result.rowCount ?? 0;
    },
    async listDeadWebhooks(limit, beforeId) {
      const { rows } = await pool.query<DeadWebhook>(
        `SELECT id, source_id AS "sourceId", received_at AS "receivedAt", details_attempts AS attempts, details_error AS error
         FROM inbox WHERE details_status = 'dead' AND id < $1 ORDER BY id DESC LIMIT $2`,
        [beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows.map((r) => ({ ...r, error: r.error ?? undefined }));
    },
    async replayDeadWebhooks(ids, now) {
      const result = await pool.query(
        `UPDATE inbox SET details_status = 'pending', details_attempts = 0, details_next_at = $1
         WHERE details_status = 'dead' AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))`,
        [now, ids === 'all' ? null : ids],
      );
      return result.rowCount ?? 0;
    },
    async listWaitingWebhooks(known, limit, beforeId) {
      const { rows } = await pool.query<WaitingWebhook>(
        `SELECT id, source_id AS "sourceId", received_at AS "receivedAt" FROM inbox
         WHERE ${WAITING_FOR_SOURCE} AND id < $2 ORDER BY id DESC LIMIT $3`,
        [known, beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows;
    },
    async countWaitingWebhooks(known) {
      const { rows } = await pool.query<{ sourceId: string; n: number }>(
        `SELECT source_id AS "sourceId", COUNT(*)::bigint AS n FROM inbox WHERE ${WAITING_FOR_SOURCE} GROUP BY source_id`,
        [known],
      );
      return Object.fromEntries(rows.map((r) => [r.sourceId, r.n]));
    },
    async queueStats() {
      const { rows } = await pool.query<{ unprocessed: number; awaiting: number; dead: number; oldest: number | null }>(
        `SELECT
           (SELECT COUNT(*) FROM inbox WHERE ${UNPROCESSED_INBOX})::bigint AS unprocessed,
           (SELECT COUNT(*) FROM inbox WHERE details_status = 'pending')::bigint AS awaiting,
           (SELECT COUNT(*) FROM inbox WHERE details_status = 'dead')::bigint AS dead,
           (SELECT MIN(created_at) FROM records WHERE status = 'pending') AS oldest`,
      );
      const row = rows[0];
      return {
        unprocessedWebhooks: row?.unprocessed ?? 0,
        webhooksAwaitingDetails: row?.awaiting ?? 0,
        deadWebhooks: row?.dead ?? 0,
        oldestPendingAt: row?.oldest ?? undefined,
      };
    },
  };
}
