import type { AttendanceInput, ContactDetails, SubscriberState } from '../attendance/types.js';
import type { SessionTimes } from '../attendance/sessions.js';

export type RecordStatus = 'unmapped' | 'pending' | 'inflight' | 'delivered' | 'dead' | 'superseded';
export const RECORD_STATUSES: RecordStatus[] = ['unmapped', 'pending', 'inflight', 'delivered', 'dead', 'superseded'];

export interface NewWebhook {
  sourceId: string;
  dedupKey: string;
  receivedAt: number;
  body: string;
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
}

export interface SessionRow {
  sourceId: string;
  sourceEventId: string;
  email: string;
  times: SessionTimes;
  contact: ContactDetails;
}

export interface SourceEventRow {
  sourceId: string;
  sourceEventId: string;
  startsAt?: number;
  endsAt?: number;
}

export interface NewRecord {
  inboxId?: number;
  sourceId: string;
  sourceEventId: string;
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
  | { kind: 'claimed'; records: DeliveryRecord[] }
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

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /** Proves the store can take a write now; throws when it cannot. */
  ping(): Promise<void>;
  close(): Promise<void>;

  insertWebhooks(rows: NewWebhook[]): Promise<AcceptedWebhook[]>;
  unprocessedWebhooks(limit: number): Promise<InboxRow[]>;
  findContact(sourceId: string, contactKey: string): Promise<ContactDetails | undefined>;
  findSession(sourceId: string, sourceEventId: string, email: string): Promise<SessionRow | undefined>;
  findSourceEvent(sourceId: string, sourceEventId: string): Promise<SourceEventRow | undefined>;
  openSessionsJoinedBefore(cutoff: number, limit: number): Promise<SessionRow[]>;
  openSessionsOfEvent(sourceId: string, sourceEventId: string): Promise<SessionRow[]>;
  commitEffects(effects: InboxEffects, now: number): Promise<void>;

  releaseInflight(): Promise<number>;
  pendingGroups(): Promise<DeliveryGroup[]>;
  claimBatch(group: DeliveryGroup, options: ClaimOptions): Promise<ClaimResult>;
  completeDeliveries(outcomes: DeliveryOutcome[], now: number): Promise<void>;
  unmappedEvents(): Promise<Array<{ sourceId: string; sourceEventId: string }>>;
  mapRecords(sourceId: string, sourceEventId: string, targetKey: string, now: number): Promise<number>;

  countByStatus(): Promise<Record<RecordStatus, number>>;
  prune(deliveredBefore: number, webhooksBefore: number): Promise<{ records: number; webhooks: number }>;
}
