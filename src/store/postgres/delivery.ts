import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ClaimOptions, ClaimResult, DeliveryGroup, DeliveryOutcome } from '../ports.js';
import { REASSERT_SQL, SETTLE, stillHeld } from '../queries/delivery-queue.js';
import { reassertAfter, reassertedAfter, type RecordPosition } from '../../domain/delivery-order.js';
import { postgresDialect } from '../dialect.js';
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
import { inTransaction } from './pool.js';

// SKIP LOCKED lets replicas claim side by side; the claim's first query is prepared once per connection.
const READY = readySql(postgresDialect);

/** The ready records of a group, after superseding those HubSpot already has a newer state for. */
async function readyRows(client: pg.PoolClient, group: DeliveryGroup, o: ClaimOptions): Promise<RecordRow[]> {
  for (;;) {
    const { rows } = await client.query<ReadyRow>({
      name: 'claim-ready',
      text: READY,
      values: [group.targetKey, group.state, o.now, o.batchSize],
    });
    const { fresh, overtaken } = splitOvertaken(rows);
    for (const row of overtaken) await client.query(SUPERSEDE_OVERTAKEN_SQL, [row.error, o.now, row.id]);
    if (fresh.length > 0 || overtaken.length === 0) return fresh;
  }
}

export async function claimBatch(pool: pg.Pool, group: DeliveryGroup, o: ClaimOptions): Promise<ClaimResult> {
  return inTransaction(pool, async (client) => {
    const rows = await readyRows(client, group, o);
    if (rows.length === 0)
      return emptyGroup(
        (await client.query<{ next: number | null; inflight: boolean }>(GROUP_DUE_SQL, [group.targetKey, group.state])).rows[0],
        o.now,
      );
    const readiness = batchReadiness(rows, o);
    if (readiness.kind === 'waiting') return readiness;
    const claimToken = randomUUID();
    await client.query(claimSql(postgresDialect), [rows.map((r) => r.id), o.now + o.leaseMs, claimToken, o.now]);
    return { kind: 'claimed', records: rows.map(toDeliveryRecord), claimToken };
  });
}

/** An older record landed at HubSpot after its lease ran out: the contact's newest record is sent again. */
async function reassert(client: pg.PoolClient, lateId: number, now: number): Promise<number> {
  const late = (await client.query<RecordPosition & { targetKey: string; email: string; state: string }>(REASSERT_SQL.late, [lateId]))
    .rows[0];
  if (!late) return 0;
  const newest = async (statuses: string) =>
    (await client.query<RecordPosition>(REASSERT_SQL.newest(statuses), [late.targetKey, late.email])).rows[0];
  const id = reassertAfter(late, [await newest(`'pending', 'inflight'`), await newest(`'delivered'`)]);
  if (id === undefined) return 0;
  return (await client.query(REASSERT_SQL.copyAsPending, [id, now, reassertedAfter(late.state)])).rowCount ?? 0;
}

export async function completeDeliveries(
  pool: pg.Pool,
  outcomes: DeliveryOutcome[],
  now: number,
  claimToken?: string,
): Promise<{ reasserted: number }> {
  const token = claimToken ?? null;
  const delivered = outcomes.filter((o) => o.kind === 'delivered');
  const retried = outcomes.filter((o) => o.kind === 'retry');
  const dead = outcomes.filter((o) => o.kind === 'dead');
  return inTransaction(pool, async (client) => {
    let reasserted = 0;
    if (delivered.length > 0) {
      const applied = await client.query<{ id: number }>(
        `UPDATE records SET ${SETTLE.delivered('u.vid', '$3')}
         FROM unnest($1::bigint[], $2::bigint[]) AS u(id, vid) WHERE records.id = u.id AND ${stillHeld(postgresDialect, '$4')}
         RETURNING records.id`,
        [delivered.map((o) => o.id), delivered.map((o) => o.vid ?? null), now, token],
      );
      if (token !== null && applied.rows.length < delivered.length) {
        const held = new Set(applied.rows.map((r) => r.id));
        for (const late of delivered.filter((o) => !held.has(o.id))) reasserted += await reassert(client, late.id, now);
      }
    }
    if (retried.length > 0) {
      await client.query(
        `UPDATE records SET ${SETTLE.retry('u.not_before', 'u.spent', 'u.error', '$5')}
         FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[]) AS u(id, not_before, spent, error)
         WHERE records.id = u.id AND ${stillHeld(postgresDialect, '$6')}`,
        [
          retried.map((o) => o.id),
          retried.map((o) => o.notBefore),
          retried.map((o) => (o.countAttempt ? 1 : 0)),
          retried.map((o) => o.error),
          now,
          token,
        ],
      );
    }
    if (dead.length > 0) {
      await client.query(
        `UPDATE records SET ${SETTLE.dead('u.error', '$3')}
         FROM unnest($1::bigint[], $2::text[]) AS u(id, error) WHERE records.id = u.id AND ${stillHeld(postgresDialect, '$4')}`,
        [dead.map((o) => o.id), dead.map((o) => o.error), now, token],
      );
    }
    return { reasserted };
  });
}

/** Deletes in chunks so a large prune never holds long locks. */
export async function prune(
  pool: pg.Pool,
  deliveredBefore: number,
  webhooksBefore: number,
): Promise<{ records: number; webhooks: number }> {
  const chunked = async (sql: string, before: number) => {
    let total = 0;
    for (;;) {
      const result = await pool.query(sql, [before]);
      total += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < 10_000) return total;
    }
  };
  return {
    records: await chunked(
      `DELETE FROM records WHERE id IN (SELECT id FROM records WHERE status IN ('delivered', 'superseded') AND updated_at < $1 LIMIT 10000)`,
      deliveredBefore,
    ),
    webhooks: await chunked(`DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE processed_at < $1 LIMIT 10000)`, webhooksBefore),
  };
}
