import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import type { Store } from '../../src/store/ports.js';
import { addRecords } from '../support/records.js';
import { tempDir } from '../support/temp.js';

/** What only the embedded store does; the shared behaviour is in contract.test.ts. */

const T0 = Date.parse('2026-05-01T12:00:00Z');

let temp: ReturnType<typeof tempDir>;
let dbFile: string;
let store: Store;

beforeEach(async () => {
  temp = tempDir('sqlite-only-');
  dbFile = join(temp.dir, 'nested', 'relay.db');
  store = openStore(`sqlite:${dbFile}`);
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  temp.remove();
});

describe('the SQLite file', () => {
  it('when the store is opened then missing directories are created and the file is in WAL mode at the latest user_version', async () => {
    await addRecords(store, [{ email: 'ada@example.com' }], T0);
    expect(existsSync(dbFile)).toBe(true);
    const db = new Database(dbFile, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('when the url is sqlite:///absolute/path then the store opens that file', async () => {
    const file = join(temp.dir, 'abs', 'relay.db');
    const other = openStore(`sqlite://${file}`);
    await other.migrate();
    await other.ping();
    await other.close();
    expect(existsSync(file)).toBe(true);
  });

  it('when a store is used before migrate() then it refuses with a clear error', async () => {
    const other = openStore(`sqlite:${join(temp.dir, 'other.db')}`);
    await expect(other.pendingGroups()).rejects.toThrow(/before migrate/);
    await expect(other.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k', receivedAt: T0, body: '{}' }])).rejects.toThrow(/before migrate/);
    await other.close();
  });

  it('when the store is closed twice then the second close is harmless', async () => {
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe('one process owns the file', () => {
  it('when asked for cross-replica delivery state then the SQLite store has none (the limiter stays in the process)', () => {
    expect(store.kind).toBe('sqlite');
    expect(store.shared).toBeUndefined();
  });
});
