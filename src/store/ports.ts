import type { AttendanceInput, SubscriberState } from '../domain/facts.js';
import type { InboxRow, ProcessingRound } from '../domain/processing-round.js';

// The processing round's rows and port are the domain's; the store implements them.
export type * from '../domain/processing-round.js';

export type * from './admin-types.js';
export type * from './reconcile-types.js';
import type { ReconcileJobs } from './reconcile-types.js';
export type * from './managed-events-types.js';
import type { ManagedEventsStore } from './managed-events-types.js';
import type { AdminQueries, WebhookStatus } from './admin-types.js';

import type { RecordStatus } from './record-status.js';
export { RECORD_STATUSES, type RecordStatus } from './record-status.js';

export interface NewWebhook {
  sourceId: string;
  dedupKey: string;
  receivedAt: number;
  body: string;
  /** A thin notice: its details are fetched in the background before it is processed. */
  needsDetails?: boolean;
  /** A verified webhook its source cannot read: kept, not processed, until a replay reads it (the reason why). */
  parkedReason?: string;
}

export interface AcceptedWebhook {
  id: number;
  duplicate: boolean;
}

export interface DeliveryRecord {
  id: number;
  sourceId: string;
  sourceEventId: string;
  targetKey: string;
  state: SubscriberState;
  email: string;
  occurredAt: number;
  input: AttendanceInput;
  attempts: number;
  createdAt: number;
  receivedAt: number;
}

export interface DeliveryGroup {
  targetKey: string;
  state: SubscriberState;
}

export type ClaimResult =
  | { kind: 'claimed'; records: DeliveryRecord[]; claimToken: string }
  /** A partial batch that may still wait for company until `until`. */
  | { kind: 'waiting'; until: number }
  /** Nothing ready; `nextAt` is when a scheduled retry becomes due; `drained` when nothing is pending at all. */
  | { kind: 'empty'; nextAt?: number; drained: boolean };

export interface ClaimOptions {
  now: number;
  batchSize: number;
  batchWaitMs: number;
  leaseMs: number;
}

export type DeliveryOutcome =
  | { id: number; kind: 'delivered'; vid?: number }
  | { id: number; kind: 'retry'; error: string; notBefore: number; countAttempt: boolean }
  | { id: number; kind: 'dead'; error: string };

/** The background fetch of details for thin notices; claims carry a lease so replicas share the work. */
export interface DetailsQueue {
  /** Of `sources` only (all when absent): a replica never gives up on details a source it lacks could fetch. */
  claimWebhooksNeedingDetails(now: number, limit: number, leaseMs: number, sources?: readonly string[]): Promise<InboxRow[]>;
  saveDetails(id: number, details: string): Promise<void>;
  /** Reschedules a fetch; `countAttempt: false` for waits that are nobody's failure (rate limits). */
  retryDetails(id: number, notBefore: number, error: string, countAttempt?: boolean): Promise<void>;
  /** Gives up: the webhook stays in the inbox, dead with the reason (replayable). */
  failDetails(id: number, error: string): Promise<void>;
  /** The details were fetched but cannot be read: parked with the reason (a replay fetches them again). */
  parkDetails(id: number, reason: string): Promise<void>;
}

export type PauseKind = 'rate-limit' | 'auth';

export interface SharedPause {
  kind: PauseKind;
  /** Milliseconds until the pause ends (or the next auth probe is due), by the store's clock. */
  remainingMs: number;
  reason: string;
  details?: unknown;
}

/**
 * HubSpot's limits are per app, not per replica: replicas sharing one store
 * share the send window and the pauses through it.
 */
export interface SharedDeliveryState {
  /** Takes one send slot in the rolling window if one is free; else says when to ask again. */
  takeSendSlot(limit: number, windowMs: number): Promise<{ granted: true; slotId: number } | { granted: false; retryInMs: number }>;
  /** Re-times a slot to now (the call's answer): HubSpot counted it no later than that. */
  settleSendSlot(slotId: number): Promise<void>;
  /** Counts sends HubSpot reports that we did not make (another client of the same app). */
  addPhantomSends(count: number): Promise<void>;
  sendsInWindow(windowMs: number): Promise<number>;
  setPause(pause: SharedPause): Promise<void>;
  clearPause(kind: PauseKind): Promise<void>;
  readPauses(): Promise<SharedPause[]>;
}

/** Webhook intake: stores webhooks as they arrive (ingest's group commit). */
export interface InboxStore {
  insertWebhooks(rows: NewWebhook[]): Promise<AcceptedWebhook[]>;
}

/** What became of one stored webhook (the HubSpot-compatible intake's batch status). */
export interface WebhookLookup {
  webhookStatus(id: number): Promise<WebhookStatus | undefined>;
}

/** Processing: one round at a time across replicas, and the inbox sweeps around it. */
export interface ProcessingStore {
  /**
   * Runs one processing round alone: across every replica sharing the store, one
   * round at a time, so sessions and contacts are never written by two at once.
   */
  processExclusively<T>(round: (view: ProcessingRound) => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /**
   * Webhooks an older relay marked processed because their source was not configured there
   * (`{"error":"source … is not configured"}`) become unprocessed again: processed by a replica
   * that has the source, or waiting for one. Returns how many.
   */
  reopenUnconfiguredWebhooks(): Promise<number>;
}

/** Delivery: claims batches of records ready for HubSpot, keeps their lease, settles them. */
export interface DeliveryQueue {
  /** At start-up: records a dead process left in flight become pending (SQLite: all; PostgreSQL: expired leases). */
  releaseInflight(now?: number): Promise<number>;
  /** Batches whose lease ran out (their replica died) become pending again. */
  releaseExpiredLeases(now: number): Promise<number>;
  /**
   * Extends a claim's lease to `until` if the claim still holds its records (in flight under this
   * token): true when it does. The sender calls it right before every try, so a replica that lost
   * its lease (frozen, cut off) never sends a batch another replica has taken over.
   */
  renewLease(claimToken: string, until: number): Promise<boolean>;
  pendingGroups(): Promise<DeliveryGroup[]>;
  claimBatch(group: DeliveryGroup, options: ClaimOptions): Promise<ClaimResult>;
  /**
   * Applies outcomes; with a claim token, only to records that claim still holds. A `delivered`
   * outcome for a record the claim no longer holds landed at HubSpot late (after its lease ran
   * out): when a newer record of the same contact and event was sent already, that newer one is
   * queued again so it stays HubSpot's last word (`reasserted` counts them).
   */
  completeDeliveries(outcomes: DeliveryOutcome[], now: number, claimToken?: string): Promise<{ reasserted: number }>;
  /** Cross-replica delivery state; absent for a store only one process can use. */
  readonly shared?: SharedDeliveryState;
}

/** Records of events with no HubSpot event yet: mapped once the configuration names one. */
export interface RecordMapping {
  unmappedEvents(): Promise<Array<{ sourceId: string; sourceEventId: string }>>;
  mapRecords(sourceId: string, sourceEventId: string, targetKey: string, now: number): Promise<number>;
}

/** Looking after the store itself: schema, the health probe, record counts, retention. */
export interface Maintenance {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /** Proves the store can take a write now; throws when it cannot. */
  ping(): Promise<void>;
  close(): Promise<void>;
  countByStatus(): Promise<Record<RecordStatus, number>>;
  prune(deliveredBefore: number, webhooksBefore: number): Promise<{ records: number; webhooks: number }>;
}

/**
 * The whole store, as SQLite and PostgreSQL implement it: every port above. Consumers take
 * the port (or the few methods of one) they use, never this.
 */
export type Store = InboxStore &
  WebhookLookup &
  ProcessingStore &
  ProcessingRound &
  DetailsQueue &
  DeliveryQueue &
  RecordMapping &
  AdminQueries &
  ReconcileJobs &
  ManagedEventsStore &
  Maintenance;
