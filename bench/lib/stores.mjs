// The stores the relay can run on, as the benchmarks see them. Each entry says whether it
// can be benchmarked here, the relay's `store.url` for a run, and how to read back counts
// (and, for SQLite, seed a backlog). The ingest benchmark runs every available store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, TARGET_KEY, ZOOM_EVENT_ID } from './procs.mjs';

const SQLITE_STORE_JS = join(ROOT, 'dist/src/store/sqlite/index.js');

/** Read-only queries on the relay's SQLite file (safe while the relay runs: WAL). */
function withReadOnly(file, fn) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

export const sqliteStore = {
  name: 'sqlite',
  available: () => (existsSync(SQLITE_STORE_JS) ? { ok: true } : { ok: false, reason: `${SQLITE_STORE_JS} missing (run npm run build)` }),
  /** A fresh store location inside `dir`. */
  location: (dir) => {
    const file = join(dir, 'relay.db');
    return { url: `sqlite:${file}`, file };
  },
  countInbox: (loc) => withReadOnly(loc.file, (db) => db.prepare('SELECT COUNT(*) AS n FROM inbox').get().n),
  countUnprocessed: (loc) =>
    withReadOnly(loc.file, (db) => db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE processed_at IS NULL').get().n),
  countByStatus: (loc) =>
    withReadOnly(loc.file, (db) => {
      const counts = {};
      for (const row of db.prepare('SELECT status, COUNT(*) AS n FROM records GROUP BY status').all()) counts[row.status] = row.n;
      return counts;
    }),
  /** How many records are still to deliver (pending or in flight). */
  countOutstanding: (loc) =>
    withReadOnly(loc.file, (db) => db.prepare(`SELECT COUNT(*) AS n FROM records WHERE status IN ('pending', 'inflight')`).get().n),
  /** Delivery completion times (the record's updated_at when delivered), ascending. */
  deliveredTimes: (loc) =>
    withReadOnly(loc.file, (db) =>
      Float64Array.from(db.prepare(`SELECT updated_at AS t FROM records WHERE status = 'delivered' ORDER BY updated_at`).pluck().all()),
    ),
  /** Per-record timestamps for the latency breakdown: received, processed (created), delivered (updated). */
  recordTimes: (loc) =>
    withReadOnly(loc.file, (db) =>
      db.prepare(`SELECT email, status, received_at AS receivedAt, created_at AS createdAt, updated_at AS updatedAt FROM records`).all(),
    ),
  fileBytes: (loc) => withReadOnly(loc.file, (db) => db.pragma('page_count', { simple: true }) * db.pragma('page_size', { simple: true })),

  /**
   * Puts `count` pending `register` records for one HubSpot event in place through the
   * relay's own store (migrate, then commitEffects in chunks), before the relay starts.
   */
  async seedRecords(loc, { count, tag, chunk = 10_000, onProgress }) {
    const { openSqliteStore } = await import(SQLITE_STORE_JS);
    const store = openSqliteStore(loc.url);
    await store.migrate();
    const base = Date.now() - 60_000;
    try {
      for (let start = 0; start < count; start += chunk) {
        const records = [];
        for (let i = start; i < Math.min(count, start + chunk); i++) {
          const email = `${tag}-${i}@bench.example.com`;
          const occurredAt = base + i;
          records.push({
            sourceId: 'zoom',
            sourceEventId: ZOOM_EVENT_ID,
            targetKey: TARGET_KEY,
            state: 'register',
            email,
            occurredAt,
            receivedAt: occurredAt,
            input: {
              email,
              interactionDateTime: occurredAt,
              properties: {},
              contactProperties: { firstname: 'Bench', lastname: `Person ${i}`, company: 'Example Corp' },
            },
            supersedesPendingAttend: false,
          });
        }
        await store.commitEffects({ processed: [], contacts: [], sessions: [], sourceEvents: [], records }, base);
        onProgress?.(Math.min(count, start + chunk));
      }
    } finally {
      await store.close();
    }
  },
};

/** PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the machine's local server. */
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgQuery(url, sql) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

export const postgresStore = {
  name: 'postgres',
  async available() {
    try {
      await pgQuery(PG_URL, 'SELECT 1');
      return { ok: true };
    } catch (error) {
      return {
        ok: false,
        reason: `not available: cannot reach ${PG_URL.replace(/\/\/[^@]*@/, '//')} (${error.message}); set BENCH_DATABASE_URL`,
      };
    }
  },
  /** A fresh schema per run, so runs never see each other's rows. */
  async location() {
    const schema = `relay_bench_${Date.now().toString(36)}`;
    await pgQuery(PG_URL, `CREATE SCHEMA ${schema}`);
    const url = new URL(PG_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return { url: url.toString(), schema };
  },
  countInbox: async (loc) => Number((await pgQuery(loc.url, 'SELECT COUNT(*) AS n FROM inbox'))[0].n),
  countUnprocessed: async (loc) => Number((await pgQuery(loc.url, 'SELECT COUNT(*) AS n FROM inbox WHERE processed_at IS NULL'))[0].n),
  dispose: async (loc) => void (await pgQuery(PG_URL, `DROP SCHEMA ${loc.schema} CASCADE`)),
};

/** Every store the ingest benchmark has a row for, in table order. */
export const STORES = [sqliteStore, postgresStore];
