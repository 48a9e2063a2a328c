import type { Log } from '../../support/log.js';
import type { Store } from '../ports.js';
import { postgresDialect, postgresRunner } from '../dialect.js';
import { adminQueries } from '../queries/admin.js';
import { detailsQueue } from '../queries/inbox.js';
import { claimBatch, completeDeliveries, countByStatus, prune, releaseExpiredLeases } from './delivery.js';
import { insertWebhooks, intakeView } from './intake.js';
import { migratePostgres } from './migrations.js';
import { createPool, inTransaction, type SessionBounds } from './pool.js';
import { sharedDeliveryState } from './shared.js';
import { UNCONFIGURED_OUTCOME } from '../rows.js';

/**
 * The store for several replicas behind one load balancer: every replica
 * takes webhooks, one at a time processes them (an advisory lock), and all
 * claim batches side by side (FOR UPDATE SKIP LOCKED with renewable leases).
 */
export function openPostgresStore(url: string, log?: Log, bounds?: SessionBounds): Store {
  const pool = createPool(url, log, bounds);
  const view = intakeView(pool);
  return {
    kind: 'postgres',
    migrate: async () => void (await migratePostgres(pool)),
    ping: async () => void (await pool.query('INSERT INTO heartbeat (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [Date.now()])),
    close: () => pool.end(),

    insertWebhooks: (rows) => insertWebhooks(pool, rows),
    ...view,
    commitEffects: (effects, now) => inTransaction(pool, (client) => intakeView(client).commitEffects(effects, now)),
    // Another replica holding the lock means this round is theirs; the empty transaction just ends.
    processExclusively: (round) =>
      inTransaction(pool, async (client) => {
        const lock = await client.query<{ mine: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':processing')) AS mine`);
        if (!lock.rows[0]?.mine) return { ran: false as const };
        return { ran: true as const, value: await round(intakeView(client)) };
      }),

    // Other replicas may be alive: only claims whose lease ran out are taken back.
    releaseInflight: (now) => releaseExpiredLeases(pool, now ?? Date.now()),
    releaseExpiredLeases: (now) => releaseExpiredLeases(pool, now),
    // The fence before every HubSpot try: one indexed statement (records_claim).
    renewLease: async (token, until) =>
      ((await pool.query({ name: 'renew-lease', text: `UPDATE records SET lease_until = $2 WHERE claim_token = $1 AND status = 'inflight'`, values: [token, until] }))
        .rowCount ?? 0) > 0,
    reopenUnconfiguredWebhooks: async () =>
      (await pool.query(`UPDATE inbox SET processed_at = NULL, outcome = NULL WHERE ${UNCONFIGURED_OUTCOME}`)).rowCount ?? 0,
    async pendingGroups() {
      const { rows } = await pool.query<{ target_key: string; state: 'register' | 'attend' | 'cancel' }>(
        `SELECT DISTINCT target_key, state FROM records WHERE status = 'pending'`,
      );
      return rows.map((r) => ({ targetKey: r.target_key, state: r.state }));
    },
    claimBatch: (group, options) => claimBatch(pool, group, options),
    completeDeliveries: (outcomes, now, token) => completeDeliveries(pool, outcomes, now, token),
    async unmappedEvents() {
      const { rows } = await pool.query<{ sourceId: string; sourceEventId: string }>(
        `SELECT DISTINCT source_id AS "sourceId", source_event_id AS "sourceEventId" FROM records WHERE status = 'unmapped'`,
      );
      return rows;
    },
    async mapRecords(sourceId, sourceEventId, targetKey, now) {
      const result = await pool.query(
        `UPDATE records SET status = 'pending', target_key = $1, next_attempt_at = $2, updated_at = $2
         WHERE status = 'unmapped' AND source_id = $3 AND source_event_id = $4`,
        [targetKey, now, sourceId, sourceEventId],
      );
      return result.rowCount ?? 0;
    },
    ...detailsQueue(postgresRunner(pool), postgresDialect),
    ...adminQueries(postgresRunner(pool), postgresDialect),
    countByStatus: () => countByStatus(pool),
    prune: (deliveredBefore, webhooksBefore) => prune(pool, deliveredBefore, webhooksBefore),
    shared: sharedDeliveryState(pool),
  };
}
