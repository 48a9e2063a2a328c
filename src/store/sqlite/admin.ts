import type Database from 'better-sqlite3';
import { ADMIN_RECORD_COLUMNS, recordFilterSql, toAdminRecord, type AdminRecordRow } from '../admin-sql.js';
import { UNPROCESSED_INBOX } from '../rows.js';
import type { AdminQueries, DeadWebhook, QueueStats, WaitingWebhook } from '../ports.js';

// The known sources as a JSON array.
const WAITING_FOR_SOURCE = 'processed_at IS NULL AND source_id NOT IN (SELECT value FROM json_each(?))';

export function sqliteAdminQueries(db: Database.Database): AdminQueries {
  return {
    async listRecords(filter, limit, beforeId) {
      const { where, params } = recordFilterSql(filter, 'sqlite');
      const rows = db
        .prepare(`SELECT ${ADMIN_RECORD_COLUMNS} FROM records WHERE ${where} AND id < ? ORDER BY id DESC LIMIT ?`)
        .all(...params, beforeId ?? Number.MAX_SAFE_INTEGER, limit) as AdminRecordRow[];
      return rows.map(toAdminRecord);
    },
    async replayDeadRecords(selection, now) {
      const { where, params } = recordFilterSql({ ...selection.filter, status: 'dead' }, 'sqlite');
      const ids = selection.ids ? ` AND id IN (${selection.ids.map(() => '?').join(',') || 'NULL'})` : '';
      return db
        .prepare(
          `UPDATE records SET status = 'pending', attempts = 0, next_attempt_at = ?, created_at = ?, updated_at = ?
           WHERE ${where}${ids}`,
        )
        .run(now, now, now, ...params, ...(selection.ids ?? [])).changes;
    },
    async listDeadWebhooks(limit, beforeId) {
      return db
        .prepare(
          `SELECT id, source_id AS sourceId, received_at AS receivedAt, details_attempts AS attempts, details_error AS error
           FROM inbox WHERE details_status = 'dead' AND id < ? ORDER BY id DESC LIMIT ?`,
        )
        .all(beforeId ?? Number.MAX_SAFE_INTEGER, limit) as DeadWebhook[];
    },
    async replayDeadWebhooks(ids, now) {
      const only = ids === 'all' ? '' : ` AND id IN (${ids.map(() => '?').join(',') || 'NULL'})`;
      return db
        .prepare(`UPDATE inbox SET details_status = 'pending', details_attempts = 0, details_next_at = ? WHERE details_status = 'dead'${only}`)
        .run(now, ...(ids === 'all' ? [] : ids)).changes;
    },
    async listWaitingWebhooks(known, limit, beforeId) {
      return db
        .prepare(
          `SELECT id, source_id AS sourceId, received_at AS receivedAt FROM inbox
           WHERE ${WAITING_FOR_SOURCE} AND id < ? ORDER BY id DESC LIMIT ?`,
        )
        .all(JSON.stringify(known), beforeId ?? Number.MAX_SAFE_INTEGER, limit) as WaitingWebhook[];
    },
    async countWaitingWebhooks(known) {
      const rows = db
        .prepare(`SELECT source_id AS sourceId, COUNT(*) AS n FROM inbox WHERE ${WAITING_FOR_SOURCE} GROUP BY source_id`)
        .all(JSON.stringify(known)) as Array<{ sourceId: string; n: number }>;
      return Object.fromEntries(rows.map((r) => [r.sourceId, r.n]));
    },
    async queueStats(): Promise<QueueStats> {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      const oldest = db.prepare(`SELECT MIN(created_at) AS at FROM records WHERE status = 'pending'`).get() as { at: number | null };
      return {
        unprocessedWebhooks: count(`SELECT COUNT(*) AS n FROM inbox WHERE ${UNPROCESSED_INBOX}`),
        webhooksAwaitingDetails: count(`SELECT COUNT(*) AS n FROM inbox WHERE details_status = 'pending'`),
        deadWebhooks: count(`SELECT COUNT(*) AS n FROM inbox WHERE details_status = 'dead'`),
        oldestPendingAt: oldest.at ?? undefined,
      };
    },
  };
}
