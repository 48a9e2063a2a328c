import type { Log } from '../../support/log.js';
import type { Store } from '../ports.js';
import { postgresDialect, postgresRunner } from '../dialect.js';
import { adminQueries } from '../queries/admin.js';
import { reconcileJobs } from '../queries/reconcile-jobs.js';
import { managedEventQueries } from '../queries/managed-events.js';
import { detailsQueue } from '../queries/inbox.js';
import { claimBatch, completeDeliveries, prune } from './delivery.js';
import { deliveryStatements, RENEW_LEASE_SQL } from '../queries/delivery-queue.js';
import { insertWebhooks, processingRound } from './intake.js';
import { migratePostgres } from './migrations.js';
import { createPool, inTransaction, type SessionBounds } from './pool.js';
import { sharedDeliveryState } from './shared.js';

/**
 * The store for several replicas behind one load balancer: every replica
 * takes webhooks, one at a time processes them (an advisory lock), and all
 * claim batches side by side (FOR UPDATE SKIP LOCKED with renewable leases).
 */
export function openPostgresStore(url: string, log?: Log, bounds?: SessionBounds): Store {
  const pool = createPool(url, log, bounds);
  const view = processingRound(pool);
  const queue = deliveryStatements(postgresRunner(pool));
  return {
    kind: 'postgres',
    migrate: async () => void (await migratePostgres(pool)),
    ping: async () =>
      void (await pool.query('INSERT INTO heartbeat (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [
        Date.now(),
      ])),
    close: () => pool.end(),

    insertWebhooks: (rows) => insertWebhooks(pool, rows),
    ...view,
    commitEffects: (effects, now) => inTransaction(pool, (client) => processingRound(client).commitEffects(effects, now)),
    // Another replica holding the lock means this round is theirs; the empty transaction just ends.
    processExclusively: (round) =>
      inTransaction(pool, async (client) => {
        const lock = await client.query<{ mine: boolean }>(
          `SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':processing')) AS mine`,
        );
        if (!lock.rows[0]?.mine) return { ran: false as const };
        return { ran: true as const, value: await round(processingRound(client)) };
      }),

    // Other replicas may be alive: only claims whose lease ran out are taken back.
    releaseInflight: (now) => queue.releaseExpiredLeases(now ?? Date.now()),
    releaseExpiredLeases: queue.releaseExpiredLeases,
    // The fence before every HubSpot try: one indexed statement (records_claim).
    renewLease: async (token, until) =>
      ((await pool.query({ name: 'renew-lease', text: RENEW_LEASE_SQL, values: [token, until] })).rowCount ?? 0) > 0,
    reopenUnconfiguredWebhooks: queue.reopenUnconfiguredWebhooks,
    pendingGroups: queue.pendingGroups,
    claimBatch: (group, options) => claimBatch(pool, group, options),
    completeDeliveries: (outcomes, now, token) => completeDeliveries(pool, outcomes, now, token),
    unmappedEvents: queue.unmappedEvents,
    mapRecords: queue.mapRecords,
    ...detailsQueue(postgresRunner(pool), postgresDialect),
    ...adminQueries(postgresRunner(pool), postgresDialect),
    ...reconcileJobs(postgresRunner(pool), postgresDialect),
    ...managedEventQueries(postgresRunner(pool), postgresDialect),
    countByStatus: queue.countByStatus,
    prune: (deliveredBefore, webhooksBefore) => prune(pool, deliveredBefore, webhooksBefore),
    shared: sharedDeliveryState(pool),
  };
}
