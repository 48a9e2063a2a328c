import type { Dialect, SqlRunner } from '../dialect.js';
import type { KnownAttendance, ReconcileJob, ReconcileJobs } from '../reconcile-types.js';

const COLUMNS = `id, source_id AS "sourceId", zoom_id AS "zoomId", uuid, kind, reason, status, due_at AS "dueAt", attempts,
  not_ready_since AS "notReadySince", lease_until AS "leaseUntil", last_error AS "lastError", result,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

type JobRow = { [K in keyof ReconcileJob]: ReconcileJob[K] | null };

/** NULL columns become absent fields. */
const toJob = (row: JobRow): ReconcileJob =>
  Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)) as unknown as ReconcileJob;

/** The reconciliation job queue, the same SQL for both stores (FOR UPDATE SKIP LOCKED on PostgreSQL). */
export function reconcileJobs(db: SqlRunner, d: Dialect): ReconcileJobs {
  return {
    async scheduleReconcileJobs(jobs, now) {
      let inserted = 0;
      for (const job of jobs) {
        const onConflict =
          job.reason === 'manual'
            ? `DO UPDATE SET status = 'pending', due_at = excluded.due_at, reason = excluded.reason, kind = excluded.kind,
                 attempts = 0, not_ready_since = NULL, last_error = NULL, updated_at = excluded.updated_at`
            : 'DO NOTHING';
        inserted += await db.changes(
          `INSERT INTO zoom_reconcile_jobs (source_id, zoom_id, uuid, kind, reason, status, due_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7)
           ON CONFLICT (source_id, zoom_id, uuid) ${onConflict}`,
          [job.sourceId, job.zoomId, job.uuid, job.kind, job.reason, job.dueAt, now],
        );
        // An instance reported ended is reconciled for itself: the check for a missing end is moot.
        if (job.reason === 'ended' && job.uuid !== '')
          await db.changes(
            `UPDATE zoom_reconcile_jobs SET status = 'superseded', updated_at = $3
             WHERE source_id = $1 AND zoom_id = $2 AND uuid = '' AND status = 'pending' AND reason = 'missed-end'`,
            [job.sourceId, job.zoomId, now],
          );
      }
      return inserted;
    },
    async claimReconcileJobs(now, limit, leaseMs, sources) {
      const rows = await db.rows<JobRow>(
        `UPDATE zoom_reconcile_jobs SET due_at = $3, lease_until = $3, updated_at = $1
         WHERE id IN (SELECT r.id FROM zoom_reconcile_jobs r WHERE r.status = 'pending' AND r.due_at <= $1
                        AND ${d.oneOf('r.source_id', '$4', 'text')}
                      ORDER BY r.due_at LIMIT $2 ${d.skipLocked})
         RETURNING ${COLUMNS}`,
        [now, limit, now + leaseMs, d.list(sources)],
      );
      return rows.map(toJob).sort((a, b) => a.id - b.id);
    },
    async settleReconcileJob(id, settlement, now) {
      switch (settlement.status) {
        case 'done':
          await db.changes(
            `UPDATE zoom_reconcile_jobs SET status = 'done', result = $2, last_error = NULL, lease_until = NULL,
               attempts = attempts + 1, updated_at = $3 WHERE id = $1`,
            [id, settlement.result, now],
          );
          return;
        case 'retry':
          await db.changes(
            `UPDATE zoom_reconcile_jobs SET due_at = $2, last_error = $3, attempts = attempts + $4, not_ready_since = $5,
               lease_until = NULL, updated_at = $6 WHERE id = $1`,
            [id, settlement.dueAt, settlement.error, settlement.countAttempt ? 1 : 0, settlement.notReadySince ?? null, now],
          );
          return;
        case 'dead':
          await db.changes(
            `UPDATE zoom_reconcile_jobs SET status = 'dead', last_error = $2, attempts = attempts + 1, lease_until = NULL,
               updated_at = $3 WHERE id = $1`,
            [id, settlement.error, now],
          );
      }
    },
    listReconcileJobs: async (limit) =>
      (await db.rows<JobRow>(`SELECT ${COLUMNS} FROM zoom_reconcile_jobs ORDER BY id DESC LIMIT $1`, [limit])).map(toJob),
    replayReconcileJob: async (id, now) =>
      (await db.changes(
        `UPDATE zoom_reconcile_jobs SET status = 'pending', due_at = $2, attempts = 0, not_ready_since = NULL, updated_at = $2
         WHERE id = $1 AND status = 'dead'`,
        [id, now],
      )) > 0,
    knownAttendance: async (sourceId, zoomId, occurrence) =>
      (
        await db.rows<{ email: string; firstJoin: number | null; lastLeave: number | null }>(
          `SELECT email, first_join AS "firstJoin", last_leave AS "lastLeave" FROM sessions
           WHERE source_id = $1 AND source_event_id = $2 AND occurrence = $3`,
          [sourceId, zoomId, occurrence],
        )
      ).map((row): KnownAttendance => ({ email: row.email, firstJoin: row.firstJoin ?? undefined, lastLeave: row.lastLeave ?? undefined })),
    knownContactKeys: async (sourceId, keys) =>
      keys.length === 0
        ? []
        : (
            await db.rows<{ key: string }>(
              `SELECT contact_key AS key FROM contacts WHERE source_id = $1 AND ${d.oneOf('contact_key', '$2', 'text')}`,
              [sourceId, d.list(keys)],
            )
          ).map((row) => row.key),
  };
}
