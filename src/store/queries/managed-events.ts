import type { Dialect, SqlRunner } from '../dialect.js';
import type { EventFinish, ManagedEvent, ManagedEventsStore, ManagedEventState, SourceEventDetails } from '../managed-events-types.js';

interface Row {
  source_id: string;
  source_event_id: string;
  target_key: string;
  external_account_id: string;
  external_event_id: string;
  details: string;
  details_changed_at: number | string;
  sent: string | null;
  last_sent_at: number | string | null;
  finish: string | null;
  state: ManagedEventState;
  object_id: string | null;
  last_error: string | null;
  attempts: number | string;
  updated_at: number | string;
}

/** A finish is kept once set; only a cancel replaces a complete still waiting for the scheduled end. */
function mergedFinish(stored: string | null, noted: EventFinish | undefined): string | null {
  if (!noted) return stored;
  if (stored === null) return JSON.stringify(noted);
  const kept = JSON.parse(stored) as EventFinish;
  return kept.kind === 'complete' && kept.atScheduledEnd === true && noted.kind === 'cancel' ? JSON.stringify(noted) : stored;
}

function toEvent(row: Row): ManagedEvent {
  return {
    sourceId: row.source_id,
    sourceEventId: row.source_event_id,
    targetKey: row.target_key,
    externalAccountId: row.external_account_id,
    externalEventId: row.external_event_id,
    details: JSON.parse(row.details) as SourceEventDetails,
    sent: row.sent ?? undefined,
    lastSentAt: row.last_sent_at === null ? undefined : Number(row.last_sent_at),
    detailsChangedAt: Number(row.details_changed_at),
    finish: row.finish ? (JSON.parse(row.finish) as EventFinish) : undefined,
    state: row.state,
    objectId: row.object_id ?? undefined,
    lastError: row.last_error ?? undefined,
    attempts: Number(row.attempts),
    updatedAt: Number(row.updated_at),
  };
}

/** Later non-empty fields win; what a later webhook does not know is kept. */
function merged(before: SourceEventDetails, after: SourceEventDetails): SourceEventDetails {
  const out: SourceEventDetails = { ...before };
  for (const [key, value] of Object.entries(after) as Array<[keyof SourceEventDetails, string | undefined]>) {
    if (value === undefined || value === '' || (key === 'startedAt' && out.startedAt)) continue;
    out[key] = value;
  }
  return out;
}

const KEY = 'source_id = $1 AND source_event_id = $2';

/** The managed events' statements, written once for both dialects. */
export function managedEventQueries(db: SqlRunner, d: Dialect): ManagedEventsStore {
  return {
    async noteEvents(events, now) {
      for (const event of events) {
        const [row] = await db.rows<Row>(`SELECT * FROM hubspot_events WHERE ${KEY}`, [event.sourceId, event.sourceEventId]);
        if (!row) {
          await db.changes(
            `INSERT INTO hubspot_events (source_id, source_event_id, target_key, external_account_id, external_event_id, details,
               details_changed_at, finish, state, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $7, $7, $7) ON CONFLICT (source_id, source_event_id) DO NOTHING`,
            [
              event.sourceId,
              event.sourceEventId,
              event.targetKey,
              event.externalAccountId,
              event.externalEventId,
              JSON.stringify(merged({}, event.details)),
              now,
              event.finish ? JSON.stringify(event.finish) : null,
            ],
          );
          continue;
        }
        const details = JSON.stringify(merged(JSON.parse(row.details) as SourceEventDetails, event.details));
        const finish = mergedFinish(row.finish, event.finish);
        if (details === row.details && finish === row.finish) continue;
        await db.changes(
          `UPDATE hubspot_events SET details = $3, finish = $4, updated_at = $5,
             details_changed_at = CASE WHEN details = $3 THEN details_changed_at ELSE $5 END WHERE ${KEY}`,
          [event.sourceId, event.sourceEventId, details, finish, now],
        );
      }
    },

    async claimDueEvents(now, limit, leaseMs, updateIntervalMs) {
      // r: the alias the dialect's row lock names (replicas skip each other's rows on PostgreSQL).
      const due = `r.lease_until <= $1 AND r.next_attempt_at <= $1 AND (r.state = 'pending' OR (r.state = 'created' AND (r.finish IS NOT NULL
        OR (r.details_changed_at > COALESCE(r.last_sent_at, 0) AND COALESCE(r.last_sent_at, 0) <= $4))))`;
      const rows = await db.rows<Row>(
        `UPDATE hubspot_events SET lease_until = $2 WHERE (source_id, source_event_id) IN (
           SELECT r.source_id, r.source_event_id FROM hubspot_events r WHERE ${due} ORDER BY r.next_attempt_at LIMIT $3 ${d.skipLocked})
         RETURNING *`,
        [now, now + leaseMs, limit, now - updateIntervalMs],
      );
      return rows.map(toEvent);
    },

    async settleEvent(sourceId, sourceEventId, s, now) {
      const free = 'lease_until = 0, updated_at = $3';
      if (s.kind === 'created') {
        await db.changes(
          `UPDATE hubspot_events SET state = CASE WHEN state = 'pending' OR state = 'dead' THEN 'created' ELSE state END,
             object_id = COALESCE($4, object_id), sent = $5, last_sent_at = $3, attempts = 0, last_error = NULL, ${free} WHERE ${KEY}`,
          [sourceId, sourceEventId, now, s.objectId ?? null, s.sent],
        );
      } else if (s.kind === 'finished') {
        await db.changes(`UPDATE hubspot_events SET state = $4, last_error = NULL, attempts = 0, ${free} WHERE ${KEY}`, [
          sourceId,
          sourceEventId,
          now,
          s.state,
        ]);
      } else if (s.kind === 'unchanged') {
        await db.changes(`UPDATE hubspot_events SET last_sent_at = $3, ${free} WHERE ${KEY}`, [sourceId, sourceEventId, now]);
      } else if (s.kind === 'retry') {
        await db.changes(
          `UPDATE hubspot_events SET last_error = $4, next_attempt_at = $5, attempts = attempts + $6, ${free} WHERE ${KEY}`,
          [sourceId, sourceEventId, now, s.error, s.notBefore, s.countAttempt ? 1 : 0],
        );
      } else {
        await db.changes(`UPDATE hubspot_events SET state = 'dead', last_error = $4, ${free} WHERE ${KEY}`, [
          sourceId,
          sourceEventId,
          now,
          s.error,
        ]);
      }
    },

    async managedTargetState(targetKey) {
      const rows = await db.rows<{ state: ManagedEventState }>('SELECT state FROM hubspot_events WHERE target_key = $1', [targetKey]);
      // Two source events on one HubSpot event: it is there once either was created.
      if (rows.length === 0) return undefined;
      return rows.find((r) => r.state !== 'pending' && r.state !== 'dead')?.state ?? rows[0]?.state;
    },

    async undeliveredRecords(targetKey) {
      const [row] = await db.rows<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM records WHERE target_key = $1 AND status IN ('pending', 'inflight')`,
        [targetKey],
      );
      return Number(row?.n ?? 0);
    },

    deadLetterRecordsOf: (targetKey, error, now) =>
      db.changes(`UPDATE records SET status = 'dead', last_error = $2, updated_at = $3 WHERE target_key = $1 AND status = 'pending'`, [
        targetKey,
        error,
        now,
      ]),

    async reconsiderEvents(now) {
      await db.changes(
        `UPDATE hubspot_events SET state = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1 WHERE state = 'dead'`,
        [now],
      );
      await db.changes(`UPDATE hubspot_events SET details_changed_at = $1 WHERE state = 'created'`, [now]);
    },

    async managedEventAccount(sourceId, sourceEventId) {
      const [row] = await db.rows<{ external_account_id: string }>(`SELECT external_account_id FROM hubspot_events WHERE ${KEY}`, [
        sourceId,
        sourceEventId,
      ]);
      return row?.external_account_id;
    },
    async listManagedEvents(limit) {
      const rows = await db.rows<Row>('SELECT * FROM hubspot_events ORDER BY created_at DESC, source_event_id LIMIT $1', [limit]);
      return rows.map(toEvent);
    },
  };
}
