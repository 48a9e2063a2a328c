import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ClaimOptions, ClaimResult, DeliveryGroup, DeliveryOutcome } from '../ports.js';
import { reassertAfter, reassertedAfter, type RecordPosition } from '../../domain/delivery-order.js';
import { sqliteDialect, sqliteParams } from '../dialect.js';
import {
  batchReadiness,
  claimSql,
  emptyGroup,
  GROUP_DUE_SQL,
  readySql,
  splitOvertaken,
  SUPERSEDE_OVERTAKEN_SQL,
  type ReadyRow,
} from '../queries/claim-batch.js';
import { toDeliveryRecord, type RecordRow } from '../rows.js';
import { REASSERT_SQL, RENEW_LEASE_SQL, SETTLE, stillHeld } from '../queries/delivery-queue.js';

/** Queries for the dispatcher: claiming batches and recording what HubSpot said. */
export function sqliteDeliveryQueries(db: Database.Database) {
  const ready = db.prepare(readySql(sqliteDialect));
  const supersede = db.prepare(SUPERSEDE_OVERTAKEN_SQL);
  const renew = db.prepare(RENEW_LEASE_SQL);
  const groupDue = db.prepare(GROUP_DUE_SQL);
  const claim = db.prepare(claimSql(sqliteDialect));
  const delivered = db.prepare(`UPDATE records SET ${SETTLE.delivered('$2', '$3')} WHERE id = $1 AND ${stillHeld(sqliteDialect, '$4')}`);
  const retry = db.prepare(
    `UPDATE records SET ${SETTLE.retry('$2', '$3', '$4', '$5')} WHERE id = $1 AND ${stillHeld(sqliteDialect, '$6')}`,
  );
  const dead = db.prepare(`UPDATE records SET ${SETTLE.dead('$2', '$3')} WHERE id = $1 AND ${stillHeld(sqliteDialect, '$4')}`);

  /** The ready records of a group, after superseding those HubSpot already has a newer state for. */
  const readyRows = (group: DeliveryGroup, o: ClaimOptions): RecordRow[] => {
    for (;;) {
      const { fresh, overtaken } = splitOvertaken(
        ready.all(sqliteParams([group.targetKey, group.state, o.now, o.batchSize])) as ReadyRow[],
      );
      for (const row of overtaken) supersede.run(sqliteParams([row.error, o.now, row.id]));
      if (fresh.length > 0 || overtaken.length === 0) return fresh;
    }
  };

  const claimBatch = db.transaction((group: DeliveryGroup, o: ClaimOptions): ClaimResult => {
    const rows = readyRows(group, o);
    if (rows.length === 0)
      return emptyGroup(groupDue.get(sqliteParams([group.targetKey, group.state])) as { next: number | null; inflight: number }, o.now);
    const readiness = batchReadiness(rows, o);
    if (readiness.kind === 'waiting') return readiness;
    const claimToken = randomUUID();
    claim.run(sqliteParams([sqliteDialect.list(rows.map((row) => row.id)), o.now + o.leaseMs, claimToken, o.now]));
    return { kind: 'claimed', records: rows.map(toDeliveryRecord), claimToken };
  });

  const lateRecord = db.prepare(REASSERT_SQL.late);
  const newestActive = db.prepare(REASSERT_SQL.newest(`'pending', 'inflight'`));
  const newestDelivered = db.prepare(REASSERT_SQL.newest(`'delivered'`));
  const copyAsPending = db.prepare(REASSERT_SQL.copyAsPending);

  /** An older record landed at HubSpot after its lease ran out: the contact's newest record is sent again. */
  const reassert = (lateId: number, now: number): number => {
    const late = lateRecord.get(sqliteParams([lateId])) as
      (RecordPosition & { targetKey: string; email: string; state: string }) | undefined;
    if (!late) return 0;
    const newest = reassertAfter(late, [
      newestActive.get(sqliteParams([late.targetKey, late.email])) as RecordPosition | undefined,
      newestDelivered.get(sqliteParams([late.targetKey, late.email])) as RecordPosition | undefined,
    ]);
    if (newest === undefined) return 0;
    return copyAsPending.run(sqliteParams([newest, now, reassertedAfter(late.state)])).changes;
  };

  const completeDeliveries = db.transaction((outcomes: DeliveryOutcome[], now: number, token: string | null) => {
    let reasserted = 0;
    for (const o of outcomes) {
      if (o.kind === 'delivered') {
        const applied = delivered.run(sqliteParams([o.id, o.vid ?? null, now, token])).changes;
        if (applied === 0 && token !== null) reasserted += reassert(o.id, now);
      } else if (o.kind === 'retry') retry.run(sqliteParams([o.id, o.notBefore, o.countAttempt ? 1 : 0, o.error, now, token]));
      else dead.run(sqliteParams([o.id, o.error, now, token]));
    }
    return { reasserted };
  });

  return {
    // One process owns a SQLite file, so at start-up every claim is a dead process's.
    releaseInflight: () =>
      db.prepare(`UPDATE records SET status = 'pending', lease_until = NULL, claim_token = NULL WHERE status = 'inflight'`).run().changes,
    renewLease: (claimToken: string, until: number) => renew.run(sqliteParams([claimToken, until])).changes > 0,
    claimBatch: (group: DeliveryGroup, options: ClaimOptions) => claimBatch.immediate(group, options),
    completeDeliveries: (outcomes: DeliveryOutcome[], now: number, claimToken?: string) =>
      completeDeliveries.immediate(outcomes, now, claimToken ?? null),
    prune: db.transaction((deliveredBefore: number, webhooksBefore: number) => ({
      records: db.prepare(`DELETE FROM records WHERE status IN ('delivered', 'superseded') AND updated_at < ?`).run(deliveredBefore)
        .changes,
      webhooks: db.prepare('DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?').run(webhooksBefore).changes,
    })),
  };
}
