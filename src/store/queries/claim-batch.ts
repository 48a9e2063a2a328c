import { overtakenBy } from '../../domain/delivery-order.js';
import type { Dialect } from '../dialect.js';
import type { ClaimOptions, ClaimResult } from '../ports.js';
import type { RecordRow } from '../rows.js';

/**
 * Claiming a batch of one delivery group: the SQL of each step, once per dialect, and the rules
 * that decide between the steps. Each store runs them inside its own transaction.
 *
 * A record is ready when no earlier record of the same contact in the same HubSpot event is still
 * undelivered, and none of that contact's is in flight: that keeps each contact's records in the
 * order they happened (see domain/delivery-order.ts), and leaves at most one input per email in a
 * batch. `overtaken_by` names the newer state of another kind HubSpot already has, if any.
 * $1 target key, $2 state, $3 now, $4 batch size.
 */
export const readySql = (d: Dialect) => `
  SELECT r.id, r.source_id, r.source_event_id, r.target_key, r.state, r.email, r.occurred_at, r.input, r.attempts,
         r.created_at, r.received_at,
         (SELECT o.state FROM records o
          WHERE o.target_key = r.target_key AND o.email = r.email AND o.status = 'delivered' AND o.occurred_at > r.occurred_at
            AND o.state <> r.state
          ORDER BY o.occurred_at DESC LIMIT 1) AS overtaken_by
  FROM records r
  WHERE r.target_key = $1 AND r.state = $2 AND r.status = 'pending' AND ${d.unindexed('r.next_attempt_at')} <= $3
    AND NOT EXISTS (
      SELECT 1 FROM records p
      WHERE p.target_key = r.target_key AND p.email = r.email AND p.status IN ('pending', 'inflight')
        AND (p.status = 'inflight' OR p.occurred_at < r.occurred_at OR (p.occurred_at = r.occurred_at AND p.id < r.id)))
  ORDER BY r.occurred_at, r.id
  LIMIT $4
  ${d.skipLocked}`;

export type ReadyRow = RecordRow & { overtaken_by: string | null };

/** $1 error, $2 now, $3 id. */
export const SUPERSEDE_OVERTAKEN_SQL = `UPDATE records SET status = 'superseded', last_error = $1, updated_at = $2 WHERE id = $3`;

/** When a group has nothing ready: its next retry time, and whether a batch of it is in flight. $1 target key, $2 state. */
export const GROUP_DUE_SQL = `
  SELECT (SELECT MIN(next_attempt_at) FROM records WHERE target_key = $1 AND state = $2 AND status = 'pending') AS next,
         EXISTS (SELECT 1 FROM records WHERE target_key = $1 AND state = $2 AND status = 'inflight') AS inflight`;

/** $1 ids (a list), $2 lease end, $3 claim token, $4 now. */
export const claimSql = (d: Dialect) =>
  `UPDATE records SET status = 'inflight', lease_until = $2, claim_token = $3, updated_at = $4 WHERE ${d.oneOf('id', '$1', 'bigint')}`;

/** The ready rows split into those to send and those HubSpot already has a newer state for (with the reason). */
export function splitOvertaken(rows: ReadyRow[]): { fresh: RecordRow[]; overtaken: Array<{ id: number; error: string }> } {
  return {
    fresh: rows.filter((row) => row.overtaken_by === null),
    overtaken: rows
      .filter((row) => row.overtaken_by !== null)
      .map((row) => ({ id: row.id, error: overtakenBy(row.overtaken_by as string) })),
  };
}

/**
 * The batch-wait rule: a short first batch waits up to batchWaitMs after its oldest record was
 * made, for more to join; a full batch or a retry goes at once.
 */
export function batchReadiness(rows: RecordRow[], o: ClaimOptions): { kind: 'go' } | { kind: 'waiting'; until: number } {
  const isRetry = rows.some((row) => row.attempts > 0);
  const oldest = Math.min(...rows.map((row) => row.created_at));
  if (rows.length < o.batchSize && !isRetry && oldest + o.batchWaitMs > o.now) return { kind: 'waiting', until: oldest + o.batchWaitMs };
  return { kind: 'go' };
}

/** A group with nothing ready. One with a batch in flight is not drained: that batch may come back for a retry. */
export function emptyGroup(due: { next: number | null; inflight: unknown } | undefined, now: number): ClaimResult {
  const next = due?.next ?? null;
  return { kind: 'empty', nextAt: next !== null && next > now ? next : undefined, drained: next === null && !due?.inflight };
}
