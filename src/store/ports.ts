import type { AttendanceInput, ContactDetails, SubscriberState } from '../domain/facts.js';
import type { SessionTimes } from '../domain/sessions.js';

export type * from './admin-types.js';
import type { AdminQueries, WebhookStatus } from './admin-types.js';

export const RECORD_STATUSES = ['unmapped', 'pending', 'inflight', 'delivered', 'dead', 'superseded'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export interface NewWebhook {
  sourceId: string;
  dedupKey: string;
  receivedAt: number;
  body: string;
  /** A thin notice: its details are fetched in the background before it is processed. */
  needsDetails?: boolean;
}

export interface AcceptedWebhook {
  id: number;
  duplicate: boolean;
}

export interface InboxRow {
  id: number;
  sourceId: string;
  receivedAt: number;
  body: string;
  /** JSON of what was fetched for a thin notice (see Source.fetchDetails). */
  details?: string | null;
  detailsAttempts?: number;
}


export interface SessionRow {
  sourceId: string;
  sourceEventId: string;
  /** One instance of a recurring event (Zoom's object.uuid); '' when the source names none. */
  occurrence: string;
  email: string;
  times: SessionTimes;
  contact: ContactDetails;
}

export interface SourceEventRow {
  sourceId: string;
  sourceEventId: string;
  /** '' for the event as a whole (its schedule); else one occurrence of it. */
  occurrence?: string;
  startsAt?: number;
  /** The scheduled end, or the last end reported for the event. */
  endsAt?: number;
  /** When it really ended (an `ended` webhook): a join before it is closed at it at once. */
  endedAt?: number;
}

export interface NewRecord {
  inboxId?: number;
  sourceId: string;
  sourceEventId: string;
  /** The occurrence an attend belongs to (see SessionRow); a newer attend replaces an unsent one of the same occurrence only. */
  occurrence?: string;
  /** Where in HubSpot it goes (`object:<id>` or `external:<account>:<event>`); null while unmapped. */
  targetKey: string | null;
  state: SubscriberState;
  email: string;
  occurredAt: number;
  /** When the webhook behind it reached the relay (for webhook-to-HubSpot latency). */
  receivedAt: number;
  input: AttendanceInput;
  /** An `attend` carries the whole span so far, so it replaces an unsent older one. */
  supersedesPendingAttend: boolean;
}

/** Everything one round of webhook processing changes, committed atomically. */
export interface InboxEffects {
  processed: Array<{ inboxId: number; outcome: string }>;
  contacts: Array<{ sourceId: string; contactKey: string; contact: ContactDetails }>;
  sessions: SessionRow[];
  sourceEvents: SourceEventRow[];
  records: NewRecord[];
  /** Once-keys of facts applied in this round (see AttendanceFact onceKey). */
  onceKeys?: Array<{ sourceId: string; key: string }>;
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

/** What one processing round reads and writes. */
export interface IntakeView {
  /**
   * The oldest webhooks processing still has to read, of `sources` only (all when absent): a
   * replica never takes a webhook of a source it does not have; it waits for one that does.
   */
  unprocessedWebhooks(limit: number, sources?: readonly string[]): Promise<InboxRow[]>;
  findContact(sourceId: string, contactKey: string): Promise<ContactDetails | undefined>;
  findSession(sourceId: string, sourceEventId: string, occurrence: string, email: string): Promise<SessionRow | undefined>;
  /** The event's row (`occurrence` '') or one occurrence's. */
  findSourceEvent(sourceId: string, sourceEventId: string, occurrence?: string): Promise<SourceEventRow | undefined>;
  openSessionsJoinedBefore(cutoff: number, limit: number): Promise<SessionRow[]>;
  openSessionsOfEvent(sourceId: string, sourceEventId: string, occurrence: string): Promise<SessionRow[]>;
  hasOnceKey(sourceId: string, key: string): Promise<boolean>;
  commitEffects(effects: InboxEffects, now: number): Promise<void>;
}

/** The background fetch of details for thin notices; claims carry a lease so replicas share the work. */
export interface DetailsQueue {
  /** Of `sources` only (all when absent): a replica never gives up on details a source it lacks could fetch. */
  claimWebhooksNeedingDetails(now: number, limit: number, leaseMs: number, sources?: readonly string[]): Promise<InboxRow[]>;
  saveDetails(id: number, details: string): Promise<void>;
  /** Reschedules a fetch; `countAttempt: false` for waits that are nobody's failure (rate limits). */
  retryDetails(id: number, notBefore: number, error: string, countAttempt?: boolean): Promise<void>;
  /** Gives up: the webhook stays in the inbox, dead with the reason (replayable). */
  failDetails(id: number, error: string): Promise<void>;
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

export interface Store extends IntakeView, DetailsQueue, AdminQueries {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /** Proves the store can take a write now; throws when it cannot. */
  ping(): Promise<void>;
  close(): Promise<void>;

  insertWebhooks(rows: NewWebhook[]): Promise<AcceptedWebhook[]>;
  /**
   * Runs one processing round alone: across every replica sharing the store, one
   * round at a time, so sessions and contacts are never written by two at once.
   */
  processExclusively<T>(round: (view: IntakeView) => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;

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
  unmappedEvents(): Promise<Array<{ sourceId: string; sourceEventId: string }>>;
  mapRecords(sourceId: string, sourceEventId: string, targetKey: string, now: number): Promise<number>;

  webhookStatus(id: number): Promise<WebhookStatus | undefined>;
  /**
   * Webhooks an older relay marked processed because their source was not configured there
   * (`{"error":"source … is not configured"}`) become unprocessed again: processed by a replica
   * that has the source, or waiting for one. Returns how many.
   */
  reopenUnconfiguredWebhooks(): Promise<number>;
  countByStatus(): Promise<Record<RecordStatus, number>>;
  prune(deliveredBefore: number, webhooksBefore: number): Promise<{ records: number; webhooks: number }>;

  /** Cross-replica delivery state; absent for a store only one process can use. */
  readonly shared?: SharedDeliveryState;
}

/** The store methods the request thread calls (through the store worker, see worker/client.ts). */
export const FRONT_STORE_METHODS = [
  'ping',
  'insertWebhooks',
  'releaseInflight',
  'releaseExpiredLeases',
  'renewLease',
  'pendingGroups',
  'claimBatch',
  'completeDeliveries',
  'unmappedEvents',
  'mapRecords',
  'countByStatus',
  'prune',
  'webhookStatus',
  'listRecords',
  'replayDeadRecords',
  'listDeadWebhooks',
  'replayDeadWebhooks',
  'queueStats',
  'listWaitingWebhooks',
  'countWaitingWebhooks',
] as const satisfies ReadonlyArray<keyof Store>;

/** What the request thread uses of the store; processing lives with the store in its worker. */
export type FrontStore = Pick<Store, (typeof FRONT_STORE_METHODS)[number] | 'shared'>;
