/** What a source told about an event the relay creates in HubSpot (every field optional: sources know different parts). */
export interface SourceEventDetails {
  name?: string;
  /** ISO-8601. */
  startsAt?: string;
  endsAt?: string;
  /** When it actually started; the first one known stays. */
  startedAt?: string;
  url?: string;
  description?: string;
}

/**
 * A complete (with the actual times) or a cancel, sent once the event's records are delivered.
 * `atScheduledEnd`: completed with its scheduled times once its scheduled end has passed (Eventbrite).
 */
export type EventFinish = { kind: 'complete'; startDateTime: string; endDateTime: string; atScheduledEnd?: boolean } | { kind: 'cancel' };

export type ManagedEventState = 'pending' | 'created' | 'completed' | 'cancelled' | 'dead';

/** A mapped source event seen in a processing round, to be created (or updated, finished) in HubSpot. */
export interface NotedEvent {
  sourceId: string;
  sourceEventId: string;
  targetKey: string;
  externalAccountId: string;
  externalEventId: string;
  details: SourceEventDetails;
  finish?: EventFinish;
}

export interface ManagedEvent {
  sourceId: string;
  sourceEventId: string;
  targetKey: string;
  externalAccountId: string;
  externalEventId: string;
  details: SourceEventDetails;
  /** The last input HubSpot confirmed (JSON text), to tell whether an update would change anything. */
  sent?: string;
  lastSentAt?: number;
  detailsChangedAt: number;
  finish?: EventFinish;
  state: ManagedEventState;
  objectId?: string;
  lastError?: string;
  attempts: number;
  updatedAt: number;
}

export type EventSettlement =
  | { kind: 'created'; objectId?: string; sent: string }
  | { kind: 'finished'; state: 'completed' | 'cancelled' }
  /** HubSpot's answer equals what it has: only the time of the check is kept. */
  | { kind: 'unchanged' }
  | { kind: 'retry'; error: string; notBefore: number; countAttempt: boolean }
  | { kind: 'dead'; error: string };

/** The marketing events the relay creates (createEvents): noted by processing, sent by the event keeper. */
export interface ManagedEventsStore {
  /** Inserts or merges (later non-empty fields win); a finish is kept once set, except that a cancel replaces a complete at the scheduled end. */
  noteEvents(events: NotedEvent[], now: number): Promise<void>;
  /**
   * Claims events with something to send, under a lease (replicas never send one event twice at once):
   * never created, changed details older than `updateIntervalMs` since the last send, or a finish.
   */
  claimDueEvents(now: number, limit: number, leaseMs: number, updateIntervalMs: number): Promise<ManagedEvent[]>;
  settleEvent(sourceId: string, sourceEventId: string, settlement: EventSettlement, now: number): Promise<void>;
  /** The state of the managed event behind a target, if one is managed: records wait while it is pending or dead. */
  managedTargetState(targetKey: string): Promise<ManagedEventState | undefined>;
  /** Records of this target still to deliver (pending or in flight): a finish waits for them. */
  undeliveredRecords(targetKey: string): Promise<number>;
  /** A refused event: its waiting records become dead with the reason (replayable). */
  deadLetterRecordsOf(targetKey: string, error: string, now: number): Promise<number>;
  /** After a configuration reload: dead events get another try, created ones are compared again. */
  reconsiderEvents(now: number): Promise<void>;
  listManagedEvents(limit: number): Promise<ManagedEvent[]>;
  /** The external account id of a source event's managed event, once noted: its records keep that target. */
  managedEventAccount(sourceId: string, sourceEventId: string): Promise<string | undefined>;
}
