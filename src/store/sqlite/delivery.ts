import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SubscriberState } from '../../domain/facts.js';
import {
  RECORD_STATUSES,
  type ClaimOptions,
  type ClaimResult,
  type DeliveryGroup,
  type DeliveryOutcome,
  type RecordStatus,
} from '../ports.js';
import { reassertAfter, reassertedAfter, type RecordPosition } from '../../domain/delivery-order.js';
import { sqliteDialect, sqliteParams } from '../dialect.js';
import { batchReadiness, claimSql, emptyGroup, GROUP_DUE_SQL, readySql, splitOvertaken, SUPERSEDE_OVERTAKEN_SQL, type ReadyRow } from '../queries/claim-batch.js';
import { toDeliveryRecord, type RecordRow } from '../rows.js';

/** Queries for the dispatcher: claiming batches and recording what HubSpot said. */
export function sqliteDeliveryQueries(db: Database.Database) {
  const ready = db.prepare(readySql(sqliteDialect));
  const supersede = db.prepare(SUPERSEDE_OVERTAKEN_SQL);
  // The fence before every HubSpot try (records_claim).
  const renew = db.prepare(`UPDATE records SET lease_until = ? WHERE claim_token = ? AND status = 'inflight'`);
  const groupDue = db.prepare(GROUP_DUE_SQL);
  const claim = db.prepare(claimSql(sqliteDialect));
  // "Still ours": a claim whose lease ran out and was taken again must not overwrite the new claim.
  const held = `id = @id AND (@token IS NULL OR (claim_token = @token AND status = 'inflight'))`;
  const delivered = db.prepare(
    `UPDATE records SET status = 'delivered', vid = @vid, lease_until = NULL, claim_token = NULL, last_error = NULL, updated_at = @now WHERE ${held}`,
  );
  const retry = db.prepare(
    `UPDATE records SET status = 'pending', next_attempt_at = @notBefore, attempts = attempts + @count, last_error = @error,
                        lease_until = NULL, claim_token = NULL, updated_at = @now WHERE ${held}`,
  );
  const dead = db.prepare(
    `UPDATE records SET status = 'dead', last_error = @error, attempts = attempts + 1, lease_until = NULL, claim_token = NULL, updated_at = @now
     WHERE ${held}`,
  );

  /** The ready records of a group, after superseding those HubSpot already has a newer state for. */
  const readyRows = (group: DeliveryGroup, o: ClaimOptions): RecordRow[] => {
    for (;;) {
      const { fresh, overtaken } = splitOvertaken(ready.all(sqliteParams([group.targetKey, group.state, o.now, o.batchSize])) as ReadyRow[]);
      for (const row of overtaken) supersede.run(sqliteParams([row.error, o.now, row.id]));
      if (fresh.length > 0 || overtaken.length === 0) return fresh;
    }
  };

  const claimBatch = db.transaction((group: DeliveryGroup, o: ClaimOptions): ClaimResult => {
    const rows = readyRows(group, o);
    if (rows.length === 0) return emptyGroup(groupDue.get(sqliteParams([group.targetKey, group.state])) as { next: number | null; inflight: number }, o.now);
    const readiness = batchReadiness(rows, o);
    if (readiness.kind === 'waiting') return readiness;
    const claimToken = randomUUID();
    claim.run(sqliteParams([sqliteDialect.list(rows.map((row) => row.id)), o.now + o.leaseMs, claimToken, o.now]));
    return { kind: 'claimed', records: rows.map(toDeliveryRecord), claimToken };
  });

  const position = (sql: string) => db.prepare(`SELECT id, status, occurred_at AS occurredAt FROM records WHERE ${sql}`);
  const lateRecord = db.prepare(`SELECT id, status, occurred_at AS occurredAt, target_key AS targetKey, email, state FROM records WHERE id = ?`);
  const newestActive = position(
    `target_key = ? AND email = ? AND status IN ('pending', 'inflight') ORDER BY occurred_at DESC, id DESC LIMIT 1`,
  );
  const newestDelivered = position(`target_key = ? AND email = ? AND status = 'delivered' ORDER BY occurred_at DESC, id DESC LIMIT 1`);
  const copyAsPending = db.prepare(
    `INSERT INTO records (inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, status,
                          next_attempt_at, last_error, received_at, created_at, updated_at)
     SELECT inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, 'pending',
            @now, @error, received_at, @now, @now
     FROM records WHERE id = @id`,
  );

  /** An older record landed at HubSpot after its lease ran out: the contact's newest record is sent again. */
  const reassert = (lateId: number, now: number): number => {
    const late = lateRecord.get(lateId) as (RecordPosition & { targetKey: string; email: string; state: string }) | undefined;
    if (!late) return 0;
    const newest = reassertAfter(late, [
      newestActive.get(late.targetKey, late.email) as RecordPosition | undefined,
      newestDelivered.get(late.targetKey, late.email) as RecordPosition | undefined,
    ]);
    if (newest === undefined) return 0;
    return copyAsPending.run({ id: newest, now, error: reassertedAfter(late.state) }).changes;
  };

  const completeDeliveries = db.transaction((outcomes: DeliveryOutcome[], now: number, token: string | null) => {
    let reasserted = 0;
    for (const o of outcomes) {
      if (o.kind === 'delivered') {
        const applied = delivered.run({ id: o.id, token, now, vid: o.vid ?? null }).changes;
        if (applied === 0 && token !== null) reasserted += reassert(o.id, now);
      } else if (o.kind === 'retry') retry.run({ id: o.id, token, now, notBefore: o.notBefore, count: o.countAttempt ? 1 : 0, error: o.error });
      else dead.run({ id: o.id, token, now, error: o.error });
    }
    return { reasserted };
  });

  return {
    // One process owns a SQLite file, so at start-up every claim is a dead process's.
    releaseInflight: () =>
      db.prepare(`UPDATE records SET status = 'pending', lease_until = NULL, claim_token = NULL WHERE status = 'inflight'`).run().changes,
    releaseExpiredLeases: (now: number) =>
      db
        .prepare(`UPDATE records SET status = 'pending', lease_until = NULL, claim_token = NULL, updated_at = @now WHERE status = 'inflight' AND lease_until < @now`)
        .run({ now }).changes,
    renewLease: (claimToken: string, until: number) => renew.run(until, claimToken).changes > 0,
    pendingGroups: () =>
      (db.prepare(`SELECT DISTINCT target_key, state FROM records WHERE status = 'pending'`).all() as Array<{
        target_key: string;
        state: SubscriberState;
      }>).map((row) => ({ targetKey: row.target_key, state: row.state })),
    claimBatch: (group: DeliveryGroup, options: ClaimOptions) => claimBatch.immediate(group, options),
    completeDeliveries: (outcomes: DeliveryOutcome[], now: number, claimToken?: string) =>
      completeDeliveries.immediate(outcomes, now, claimToken ?? null),
    unmappedEvents: () =>
      db
        .prepare(`SELECT DISTINCT source_id AS sourceId, source_event_id AS sourceEventId FROM records WHERE status = 'unmapped'`)
        .all() as Array<{ sourceId: string; sourceEventId: string }>,
    mapRecords: (sourceId: string, sourceEventId: string, targetKey: string, now: number) =>
      db
        .prepare(
          `UPDATE records SET status = 'pending', target_key = ?, next_attempt_at = ?, updated_at = ?
           WHERE status = 'unmapped' AND source_id = ? AND source_event_id = ?`,
        )
        .run(targetKey, now, now, sourceId, sourceEventId).changes,
    countByStatus(): Record<RecordStatus, number> {
      const counts = Object.fromEntries(RECORD_STATUSES.map((s) => [s, 0])) as Record<RecordStatus, number>;
      const rows = db.prepare('SELECT status, COUNT(*) AS n FROM records GROUP BY status').all() as Array<{ status: RecordStatus; n: number }>;
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
    prune: db.transaction((deliveredBefore: number, webhooksBefore: number) => ({
      records: db.prepare(`DELETE FROM records WHERE status IN ('delivered', 'superseded') AND updated_at < ?`).run(deliveredBefore).changes,
      webhooks: db.prepare('DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?').run(webhooksBefore).changes,
    })),
  };
}
