import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import type { Store } from '../../src/store/ports.js';
import { freshSchema, postgresUrl, queryPg } from '../support/postgres.js';
import { readRecords, schemaVersion } from '../support/stores.js';
import { tempDir } from '../support/temp.js';

/**
 * Upgrading a store written by the first schema version: sessions and event times gain an
 * occurrence key (''), the session's relay-made close and the event's real end start empty.
 */

const pgUrl = postgresUrl();
const T0 = Date.parse('2026-05-01T12:00:00Z');
const V1_ROWS = [
  `INSERT INTO sessions (source_id, source_event_id, email, first_join, last_join, open_since, contact) VALUES ('zoom', '9001', 'ada@example.com', ${T0}, ${T0}, ${T0}, '{}')`,
  `INSERT INTO source_events (source_id, source_event_id, starts_at, ends_at) VALUES ('zoom', '9001', ${T0}, ${T0 + 3_600_000})`,
];
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function expectUpgraded(store: Store): Promise<void> {
  await store.migrate();
  expect((await store.findSession('zoom', '9001', '', 'ada@example.com'))?.times).toMatchObject({
    firstJoin: T0,
    lastJoin: T0,
    closedAt: undefined,
  });
  expect((await store.openSessionsOfEvent('zoom', '9001', '')).map((s) => s.email)).toEqual(['ada@example.com']);
  expect(await store.findSourceEvent('zoom', '9001')).toMatchObject({
    occurrence: '',
    startsAt: T0,
    endsAt: T0 + 3_600_000,
    endedAt: undefined,
  });
}

describe('upgrading a store from schema version 1', () => {
  it('when a SQLite file of version 1 is opened then its sessions and event times are kept, as the occurrence ""', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const file = join(temp.dir, 'relay.db');
    const db = new Database(file);
    db.exec(SQLITE_MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    for (const sql of V1_ROWS) db.exec(sql);
    db.close();
    const store = openStore(`sqlite:${file}`);
    cleanups.push(() => store.close());
    await expectUpgraded(store);
  });

  it.skipIf(!pgUrl)(
    'when a PostgreSQL schema of version 1 is opened then its sessions and event times are kept, as the occurrence ""',
    async () => {
      const schema = await freshSchema(pgUrl as string);
      cleanups.push(() => schema.drop());
      await queryPg(schema.url, POSTGRES_MIGRATIONS[0] as string);
      await queryPg(
        schema.url,
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      await queryPg(schema.url, 'INSERT INTO schema_migrations (version) VALUES (1)');
      for (const sql of V1_ROWS) await queryPg(schema.url, sql);
      const store = openStore(schema.url);
      cleanups.push(() => store.close());
      await expectUpgraded(store);
    },
  );
});

/** Stores written by the release before the migrations became files (version 2) gain records_lease in SQLite. */
const V2_RECORD = `INSERT INTO records (source_id, source_event_id, target_key, state, email, occurred_at, input, status, next_attempt_at, received_at, created_at, updated_at)
  VALUES ('zoom', '9001', 'hs-1', 'attend', 'ada@example.com', ${T0}, '{}', 'pending', ${T0}, ${T0}, ${T0}, ${T0})`;

async function expectAtLatest(kind: Store['kind'], location: string, store: Store, latest: number): Promise<void> {
  await store.migrate();
  expect(await schemaVersion(kind, location)).toBe(latest);
  expect((await readRecords(kind, location)).map((r) => r.email)).toEqual(['ada@example.com']);
  expect((await store.countByStatus()).pending).toBe(1);
}

describe('upgrading a store from schema version 2', () => {
  it('when a SQLite file of version 2 is opened then it reaches the latest version with its records and the lease index', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const file = join(temp.dir, 'relay.db');
    const db = new Database(file);
    for (const sql of SQLITE_MIGRATIONS.slice(0, 2)) db.exec(sql);
    db.pragma('user_version = 2');
    db.exec(V2_RECORD);
    db.close();
    const store = openStore(`sqlite:${file}`);
    cleanups.push(() => store.close());
    await expectAtLatest('sqlite', file, store, SQLITE_MIGRATIONS.length);
    const check = new Database(file, { readonly: true });
    cleanups.push(() => void check.close());
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'records_lease'`).get()).toEqual({
      name: 'records_lease',
    });
  });

  it.skipIf(!pgUrl)('when a PostgreSQL schema of version 2 is opened then it reaches the latest version with its records', async () => {
    const schema = await freshSchema(pgUrl as string);
    cleanups.push(() => schema.drop());
    for (const sql of POSTGRES_MIGRATIONS.slice(0, 2)) await queryPg(schema.url, sql);
    await queryPg(
      schema.url,
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    await queryPg(schema.url, 'INSERT INTO schema_migrations (version) VALUES (1), (2)');
    await queryPg(schema.url, V2_RECORD);
    const store = openStore(schema.url);
    cleanups.push(() => store.close());
    await expectAtLatest('postgres', schema.url, store, POSTGRES_MIGRATIONS.length);
  });
});
