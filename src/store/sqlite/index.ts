import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ManagedEventsStore, Store } from '../ports.js';
import { sqliteDialect, sqliteRunner } from '../dialect.js';
import { adminQueries } from '../queries/admin.js';
import { managedEventQueries } from '../queries/managed-events.js';
import { deliveryStatements } from '../queries/delivery-queue.js';
import { detailsQueue, inboxReads } from '../queries/inbox.js';
import { sqliteDeliveryQueries } from './delivery.js';
import { sqliteIntakeQueries } from './intake.js';
import { migrateSqlite } from './migrations.js';
import { reconcileJobs } from '../queries/reconcile-jobs.js';

/** `sqlite:./data/relay.db` or `sqlite:///var/lib/relay.db` → the file path. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:/, '');
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/**
 * The embedded store. better-sqlite3 is synchronous, so every method runs its
 * whole transaction within one tick: nothing can interleave with it. The async
 * signatures are for the Store interface shared with PostgreSQL.
 */
export function openSqliteStore(url: string): Store {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Webhook inserts commit with synchronous=FULL (on disk before the 200; group commit in
  // intake/inbox-writer shares that fsync). Everything else is derived from the inbox and
  // commits with NORMAL: a power cut can lose only a tail of derived writes, all together,
  // and the webhooks behind them are processed (and at worst re-sent) again.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');

  let intake: ReturnType<typeof sqliteIntakeQueries> | undefined;
  let delivery: ReturnType<typeof sqliteDeliveryQueries> | undefined;
  let reads: ReturnType<typeof inboxReads> | undefined;
  let queue: ReturnType<typeof deliveryStatements> | undefined;
  let details: ReturnType<typeof detailsQueue> | undefined;
  let admin: ReturnType<typeof adminQueries> | undefined;
  let jobs: ReturnType<typeof reconcileJobs> | undefined;
  let events: ReturnType<typeof managedEventQueries> | undefined;
  const ready = () => {
    if (!intake || !delivery || !reads || !queue || !details || !admin || !jobs) throw new Error('store used before migrate()');
    return { intake, delivery, reads, queue, details, admin, jobs };
  };
  // A store used before migrate() rejects (rather than throwing where the call is made).
  const run = async <T>(fn: () => T | Promise<T>): Promise<T> => fn();

  return {
    kind: 'sqlite',
    async migrate() {
      migrateSqlite(db);
      intake = sqliteIntakeQueries(db);
      delivery = sqliteDeliveryQueries(db);
      const runner = sqliteRunner(db);
      reads = inboxReads(runner, sqliteDialect);
      queue = deliveryStatements(runner);
      details = detailsQueue(runner, sqliteDialect);
      admin = adminQueries(runner, sqliteDialect);
      jobs = reconcileJobs(runner, sqliteDialect);
      events = managedEventQueries(runner, sqliteDialect);
    },
    // A small write: a full disk or a read-only file shows here, not just a missing file.
    ping: () =>
      run(
        () =>
          void db.prepare('INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at').run(Date.now()),
      ),
    async close() {
      if (db.open) db.close();
    },
    insertWebhooks: (rows) => run(() => ready().intake.insertWebhooks(rows)),
    unprocessedWebhooks: (limit, sources) => run(() => ready().reads.unprocessedWebhooks(limit, sources)),
    reopenUnconfiguredWebhooks: () => run(() => ready().queue.reopenUnconfiguredWebhooks()),
    findContact: (sourceId, key) => run(() => ready().reads.findContact(sourceId, key)),
    findSession: (sourceId, eventId, occurrence, email) => run(() => ready().reads.findSession(sourceId, eventId, occurrence, email)),
    findSourceEvent: (sourceId, eventId, occurrence) => run(() => ready().reads.findSourceEvent(sourceId, eventId, occurrence)),
    openSessionsJoinedBefore: (cutoff, limit) => run(() => ready().reads.openSessionsJoinedBefore(cutoff, limit)),
    hasOnceKey: (sourceId, key) => run(() => ready().reads.hasOnceKey(sourceId, key)),
    findRegistrations: (key) => run(() => ready().reads.findRegistrations(key)),
    claimWebhooksNeedingDetails: (now, limit, leaseMs, sources) =>
      run(() => ready().details.claimWebhooksNeedingDetails(now, limit, leaseMs, sources)),
    saveDetails: (id, json) => run(() => ready().details.saveDetails(id, json)),
    retryDetails: (id, notBefore, error, countAttempt) => run(() => ready().details.retryDetails(id, notBefore, error, countAttempt)),
    failDetails: (id, error) => run(() => ready().details.failDetails(id, error)),
    parkDetails: (id, reason) => run(() => ready().details.parkDetails(id, reason)),
    webhookStatus: (id) => run(() => ready().details.webhookStatus(id)),
    listRecords: (filter, limit, beforeId) => run(() => ready().admin.listRecords(filter, limit, beforeId)),
    replayDeadRecords: (selection, now) => run(() => ready().admin.replayDeadRecords(selection, now)),
    listDeadWebhooks: (limit, beforeId) => run(() => ready().admin.listDeadWebhooks(limit, beforeId)),
    replayDeadWebhooks: (ids, now) => run(() => ready().admin.replayDeadWebhooks(ids, now)),
    queueStats: () => run(() => ready().admin.queueStats()),
    listWaitingWebhooks: (known, limit, beforeId) => run(() => ready().admin.listWaitingWebhooks(known, limit, beforeId)),
    countWaitingWebhooks: (known) => run(() => ready().admin.countWaitingWebhooks(known)),
    listParkedWebhooks: (limit, beforeId) => run(() => ready().admin.listParkedWebhooks(limit, beforeId)),
    parkedWebhooksToRead: (ids, limit, afterId) => run(() => ready().admin.parkedWebhooksToRead(ids, limit, afterId)),
    settleParkedWebhooks: (readings, now) => run(() => ready().admin.settleParkedWebhooks(readings, now)),
    openSessionsOfEvent: (sourceId, eventId, occurrence) => run(() => ready().reads.openSessionsOfEvent(sourceId, eventId, occurrence)),
    commitEffects: (effects, now) => run(() => ready().intake.commitEffects(effects, now)),
    // One process owns the file, so a round can never meet another one.
    async processExclusively(round) {
      return { ran: true, value: await round(this) };
    },
    releaseInflight: () => run(() => ready().delivery.releaseInflight()),
    releaseExpiredLeases: (now) => run(() => ready().queue.releaseExpiredLeases(now)),
    renewLease: (token, until) => run(() => ready().delivery.renewLease(token, until)),
    pendingGroups: () => run(() => ready().queue.pendingGroups()),
    claimBatch: (group, options) => run(() => ready().delivery.claimBatch(group, options)),
    completeDeliveries: (outcomes, now, token) => run(() => ready().delivery.completeDeliveries(outcomes, now, token)),
    unmappedEvents: () => run(() => ready().queue.unmappedEvents()),
    mapRecords: (sourceId, eventId, target, now) => run(() => ready().queue.mapRecords(sourceId, eventId, target, now)),
    countByStatus: () => run(() => ready().queue.countByStatus()),
    scheduleReconcileJobs: (list, now) => run(() => ready().jobs.scheduleReconcileJobs(list, now)),
    claimReconcileJobs: (now, limit, leaseMs, sources) => run(() => ready().jobs.claimReconcileJobs(now, limit, leaseMs, sources)),
    settleReconcileJob: (id, settlement, now) => run(() => ready().jobs.settleReconcileJob(id, settlement, now)),
    listReconcileJobs: (limit) => run(() => ready().jobs.listReconcileJobs(limit)),
    replayReconcileJob: (id, now) => run(() => ready().jobs.replayReconcileJob(id, now)),
    knownAttendance: (sourceId, zoomId, occurrence) => run(() => ready().jobs.knownAttendance(sourceId, zoomId, occurrence)),
    knownContactKeys: (sourceId, keys) => run(() => ready().jobs.knownContactKeys(sourceId, keys)),
    prune: (deliveredBefore, webhooksBefore) => run(() => ready().delivery.prune(deliveredBefore, webhooksBefore)),
    // HubSpot marketing events the relay creates (createEvents).
    ...forwardTo(() => {
      if (!events) throw new Error('store used before migrate()');
      return events;
    }),
  };
}

/** Every method of the managed-events queries, reached once migrate() made them. */
function forwardTo(get: () => ManagedEventsStore): ManagedEventsStore {
  const names: Array<keyof ManagedEventsStore> = [
    'noteEvents',
    'claimDueEvents',
    'settleEvent',
    'managedTargetState',
    'undeliveredRecords',
    'deadLetterRecordsOf',
    'reconsiderEvents',
    'listManagedEvents',
    'managedEventAccount',
  ];
  return Object.fromEntries(
    names.map((name) => [name, async (...args: unknown[]) => (get()[name] as (...a: unknown[]) => Promise<unknown>)(...args)]),
  ) as unknown as ManagedEventsStore;
}
