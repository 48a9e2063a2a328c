import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterEach, beforeEach, describe } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { ClaimOptions, ClaimResult, DeliveryRecord, Store } from '../../src/store/ports.js';
import { freshSchema, postgresUrl, queryPg } from './postgres.js';
import type { StoredRecord } from './records.js';
import { tempDir } from './temp.js';

export type StoreKind = Store['kind'];
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

/** One row of the records table, read straight from the database (either kind). */
export interface StoredRecordRow extends StoredRecord {
  lease_until: number | null;
  claim_token: string | null;
  updated_at: number;
}

/** Claim options for store tests: everything due now, no waiting for a fuller batch. */
export function claimOptions(now: number, overrides: Partial<ClaimOptions> = {}): ClaimOptions {
  return { now, batchSize: 100, batchWaitMs: 0, leaseMs: 60_000, ...overrides };
}

/** The claimed batch in `result`; throws (failing the test) when nothing was claimed. */
export function claimedBatch(result: ClaimResult): { records: DeliveryRecord[]; claimToken: string } {
  if (result.kind !== 'claimed') throw new Error(`expected a claimed batch, got ${JSON.stringify(result)}`);
  return result;
}

const RECORD_COLUMNS =
  'id, email, state, target_key, status, attempts, next_attempt_at, lease_until, claim_token, last_error, vid, occurred_at, created_at, updated_at';

/**
 * Runs one read-only query outside the relay. `location` is the SQLite file or the
 * PostgreSQL URL of the test's schema. Parameters are not supported, so the same
 * SQL text works on both.
 */
export async function querySql<T extends pg.QueryResultRow>(kind: StoreKind, location: string, sql: string): Promise<T[]> {
  if (kind === 'postgres') return queryPg<T>(location, sql);
  const db = new Database(location, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Every attendance record in insertion order, as an operator would see it. */
export function readRecords(kind: StoreKind, location: string): Promise<StoredRecordRow[]> {
  return querySql<StoredRecordRow>(kind, location, `SELECT ${RECORD_COLUMNS} FROM records ORDER BY id`);
}

/** The schema version the store's migrations reached. */
export async function schemaVersion(kind: StoreKind, location: string): Promise<number> {
  if (kind === 'sqlite') return (await querySql<{ user_version: number }>(kind, location, 'PRAGMA user_version'))[0]?.user_version ?? 0;
  return (await queryPg<{ v: number | null }>(location, 'SELECT MAX(version) AS v FROM schema_migrations'))[0]?.v ?? 0;
}

/** A migrated store of one kind in a place of its own (a temp file or a fresh schema). */
export interface StoreUnderTest {
  readonly kind: StoreKind;
  /** sqlite: the database file; postgres: a URL whose search_path is this test's schema. */
  readonly location: string;
  /** The URL openStore takes. */
  readonly url: string;
  /** The store under test. */
  store: Store;
  /** Another migrated Store on the same data: a second process or replica. cleanup() closes it. */
  open(): Promise<Store>;
  /** Closes `store` and opens the data again, as a restarted process does. */
  reopen(): Promise<Store>;
  records(): Promise<StoredRecordRow[]>;
  recordsOf(email: string): Promise<StoredRecordRow[]>;
  cleanup(): Promise<void>;
}

/** `postgresBaseUrl` is required for postgres (see postgresUrl() in ./postgres.ts). */
export async function openStoreUnderTest(kind: StoreKind, postgresBaseUrl?: string): Promise<StoreUnderTest> {
  let location: string;
  let url: string;
  let removeData: () => Promise<void>;
  if (kind === 'sqlite') {
    const temp = tempDir('store-test-');
    // A directory that does not exist yet: opening the store creates it.
    location = join(temp.dir, 'nested', 'relay.db');
    url = `sqlite:${location}`;
    removeData = async () => temp.remove();
  } else {
    if (!postgresBaseUrl) throw new Error('a PostgreSQL store needs a base URL (postgresUrl())');
    const schema = await freshSchema(postgresBaseUrl);
    location = schema.url;
    url = schema.url;
    removeData = () => schema.drop();
  }

  const opened: Store[] = [];
  const closed = new WeakSet<Store>();
  const close = async (store: Store) => {
    if (closed.has(store)) return;
    closed.add(store);
    // A test may have closed it already (ping after close); closing twice is not what is under test.
    await store.close().catch(() => undefined);
  };
  const open = async () => {
    const store = openStore(url);
    opened.push(store);
    await store.migrate();
    return store;
  };

  const harness: StoreUnderTest = {
    kind,
    location,
    url,
    store: undefined as unknown as Store,
    open,
    async reopen() {
      await close(harness.store);
      harness.store = await open();
      return harness.store;
    },
    records: () => readRecords(kind, location),
    recordsOf: async (email) => (await readRecords(kind, location)).filter((r) => r.email === email),
    async cleanup() {
      for (const store of opened) await close(store);
      await removeData();
    },
  };
  try {
    harness.store = await open();
  } catch (error) {
    await harness.cleanup();
    throw error;
  }
  return harness;
}

/**
 * Declares `body` once per store kind, each test with a fresh migrated store (`harness()` is the
 * running test's). Without a PostgreSQL its half shows as skipped (and fails under CI=true).
 */
export function describeEachStore(title: string, body: (harness: () => StoreUnderTest) => void): void {
  const pgUrl = postgresUrl();
  describe.each(STORE_KINDS)('%s store', (kind) => {
    describe.skipIf(kind === 'postgres' && !pgUrl)(title, () => {
      let current: StoreUnderTest | undefined;
      beforeEach(async () => {
        current = await openStoreUnderTest(kind, pgUrl);
      });
      afterEach(async () => {
        await current?.cleanup();
      });
      body(() => current as StoreUnderTest);
    });
  });
}
