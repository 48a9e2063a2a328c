import Database from 'better-sqlite3';
import type { AttendanceInput, SubscriberState } from '../../src/domain/facts.js';
import type { NewRecord, RecordStatus, Store } from '../../src/store/ports.js';

/** What a test says about one attendance record; everything but the email has a default. */
export interface RecordSpec {
  email: string;
  state?: SubscriberState;
  /** `object:<id>` or `external:<account>:<event>`; null leaves the record unmapped. */
  targetKey?: string | null;
  occurredAt?: number;
  sourceId?: string;
  sourceEventId?: string;
  properties?: Record<string, string>;
  supersedesPendingAttend?: boolean;
}

export const EVENT_A = 'object:evt-a';
export const EVENT_B = 'external:acct-1:webinar-b';

const BASE_TIME = Date.parse('2026-05-01T10:00:00Z');

/** A NewRecord as the processor would build it. */
export function newRecord(spec: RecordSpec, index = 0): NewRecord {
  const state = spec.state ?? 'register';
  const occurredAt = spec.occurredAt ?? BASE_TIME + index * 1000;
  const properties =
    spec.properties ??
    (state === 'attend' ? { joinedAt: new Date(occurredAt).toISOString(), leftAt: new Date(occurredAt + 30 * 60_000).toISOString() } : {});
  const input: AttendanceInput = {
    email: spec.email,
    interactionDateTime: occurredAt,
    properties,
    contactProperties: { firstname: 'Test', lastname: 'Person' },
  };
  return {
    sourceId: spec.sourceId ?? 'zoom',
    sourceEventId: spec.sourceEventId ?? '9001',
    targetKey: spec.targetKey === undefined ? EVENT_A : spec.targetKey,
    state,
    email: spec.email,
    occurredAt,
    receivedAt: occurredAt,
    input,
    supersedesPendingAttend: spec.supersedesPendingAttend ?? state === 'attend',
  };
}

/** Inserts records the way webhook processing does (one atomic commit, created at `now`). */
export async function addRecords(store: Store, specs: RecordSpec[], now = Date.now()): Promise<void> {
  await store.commitEffects(
    { processed: [], contacts: [], sessions: [], sourceEvents: [], records: specs.map((spec, i) => newRecord(spec, i)) },
    now,
  );
}

/** `count` distinct emails: user0@example.com, user1@example.com, ... */
export function emails(count: number, prefix = 'user'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);
}

export interface StoredRecord {
  id: number;
  email: string;
  state: SubscriberState;
  target_key: string | null;
  status: RecordStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  vid: number | null;
  occurred_at: number;
  created_at: number;
}

/** Reads the records table straight from the SQLite file, as an operator would. */
export function readRecords(dbFile: string): StoredRecord[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT id, email, state, target_key, status, attempts, next_attempt_at, last_error, vid, occurred_at, created_at
         FROM records ORDER BY id`,
      )
      .all() as StoredRecord[];
  } finally {
    db.close();
  }
}

/** The records of one email, in insertion order. */
export function recordsOf(dbFile: string, email: string): StoredRecord[] {
  return readRecords(dbFile).filter((r) => r.email === email);
}

export function countStatus(dbFile: string, status: RecordStatus): number {
  return readRecords(dbFile).filter((r) => r.status === status).length;
}
