import type { AttendanceInput, ContactDetails, SubscriberState } from './facts.js';
import type { RegistrationEntry, RegistrationKey } from './registrations.js';
import type { SessionTimes } from './sessions.js';

/**
 * What one processing round reads from the store and what it writes back. The domain
 * declares the port it needs here (ProcessingRound); the store implements it.
 */

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
  /** Webhooks their source could not read while processing: parked with the reason, not processed. */
  parked?: Array<{ inboxId: number; reason: string }>;
  contacts: Array<{ sourceId: string; contactKey: string; contact: ContactDetails }>;
  sessions: SessionRow[];
  sourceEvents: SourceEventRow[];
  records: NewRecord[];
  /** Once-keys of facts applied in this round (see AttendanceFact onceKey). */
  onceKeys?: Array<{ sourceId: string; key: string }>;
  /** People's registration entries changed in this round, all entries of each (see registrations.ts). */
  registrations?: Array<RegistrationKey & { entries: RegistrationEntry[] }>;
}

/** What one processing round reads and writes (see ProcessingStore.processExclusively). */
export interface ProcessingRound {
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
  /** One person's registration entries at one event, in any order (none: []). */
  findRegistrations(key: RegistrationKey): Promise<RegistrationEntry[]>;
  commitEffects(effects: InboxEffects, now: number): Promise<void>;
}
