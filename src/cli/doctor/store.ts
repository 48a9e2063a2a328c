import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createPool } from '../../store/postgres/pool.js';
import { POSTGRES_MIGRATIONS } from '../../store/postgres/migrations.js';
import { sqlitePath } from '../../store/sqlite/index.js';
import { SQLITE_MIGRATIONS } from '../../store/sqlite/migrations.js';
import { fail, ok, warn, type CheckResult, type DoctorContext } from './types.js';

const GROUP = 'store';

/**
 * The store opens, its schema is this relay's, and it takes writes. Nothing is migrated or
 * written: the write probes take the write lock (SQLite) or write a temporary table (PostgreSQL)
 * inside a transaction that is rolled back.
 */
export async function checkStore(context: DoctorContext): Promise<CheckResult[]> {
  const { url } = context.config.store;
  return url.startsWith('sqlite:') ? checkSqlite(sqlitePath(url)) : checkPostgres(url);
}

/** The schema version found against this relay's, as one line. */
function schemaLine(found: number, current: number): CheckResult {
  if (found === current) return ok(GROUP, `schema at version ${found} (current)`);
  if (found < current) return warn(GROUP, `schema at version ${found} of ${current}: serve (or migrate) applies the rest at start-up`);
  return fail(
    GROUP,
    `schema at version ${found}, newer than this relay's ${current}`,
    'Run the relay version that wrote this store (or a newer one), never an older one.',
  );
}

function checkSqlite(path: string): CheckResult[] {
  if (path === ':memory:')
    return [
      warn(
        GROUP,
        'the store is in memory: everything is lost when the relay stops',
        'Set store.url to a file, e.g. sqlite:./data/relay.db.',
      ),
    ];
  if (!existsSync(path)) {
    const dir = nearestExisting(dirname(resolve(path)));
    try {
      accessSync(dir, constants.W_OK);
      return [warn(GROUP, `${path} does not exist yet: serve creates it (${SQLITE_MIGRATIONS.length} migrations)`)];
    } catch {
      return [
        fail(
          GROUP,
          `${path} does not exist and ${dir} is not writable`,
          `Make ${dir} writable by the relay's user, or point store.url elsewhere.`,
        ),
      ];
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (error) {
    return [
      fail(
        GROUP,
        `SQLite cannot open ${path} (${(error as { code?: string }).code ?? (error as Error).message})`,
        `Check that ${path} is a SQLite file the relay's user can read and write.`,
      ),
    ];
  }
  try {
    db.pragma('busy_timeout = 2000');
    const results = [
      ok(GROUP, `SQLite opens ${path}`),
      schemaLine(db.pragma('user_version', { simple: true }) as number, SQLITE_MIGRATIONS.length),
    ];
    try {
      // BEGIN IMMEDIATE takes the write lock a write needs; the rollback writes nothing.
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
      results.push(ok(GROUP, 'the store takes writes'));
    } catch (error) {
      results.push(
        fail(
          GROUP,
          `the store refuses writes (${(error as { code?: string }).code ?? (error as Error).message})`,
          `Make ${path} and its directory writable by the relay's user, and stop any process holding it locked.`,
        ),
      );
    }
    return results;
  } finally {
    db.close();
  }
}

function nearestExisting(dir: string): string {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

async function checkPostgres(url: string): Promise<CheckResult[]> {
  const pool = createPool(url);
  const results: CheckResult[] = [];
  try {
    const client = await pool.connect().catch((error: Error & { code?: string }) => error);
    if (client instanceof Error) {
      return [
        fail(
          GROUP,
          `PostgreSQL cannot be reached (${client.code ?? client.message})`,
          'Check store.url (and the variable it names) and that PostgreSQL accepts connections from this host.',
        ),
      ];
    }
    try {
      const version = await client.query<{ server_version: string }>('SHOW server_version');
      results.push(ok(GROUP, `PostgreSQL ${version.rows[0]?.server_version ?? '?'} opens`));
      const table = await client.query<{ found: string | null }>(`SELECT to_regclass('schema_migrations')::text AS found`);
      if (table.rows[0]?.found) {
        const applied = await client.query<{ n: number }>('SELECT coalesce(max(version), 0)::int AS n FROM schema_migrations');
        results.push(schemaLine(applied.rows[0]?.n ?? 0, POSTGRES_MIGRATIONS.length));
      } else {
        results.push(warn(GROUP, `no schema yet: serve (or migrate) applies ${POSTGRES_MIGRATIONS.length} migrations at start-up`));
      }
      results.push(await postgresWriteProbe(client));
      const others = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      const n = others.rows[0]?.n ?? 0;
      results.push(
        ok(
          GROUP,
          n === 0
            ? 'no other session is connected (no other replica running)'
            : `${n} other session(s) connected: replicas (or tools) sharing this store`,
        ),
      );
    } finally {
      client.release();
    }
    return results;
  } finally {
    await pool.end();
  }
}

async function postgresWriteProbe(client: { query: (sql: string) => Promise<unknown> }): Promise<CheckResult> {
  try {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE relay_doctor_probe (x int) ON COMMIT DROP');
    await client.query('INSERT INTO relay_doctor_probe VALUES (1)');
    return ok(GROUP, 'the store takes writes');
  } catch (error) {
    return fail(
      GROUP,
      `the store refuses writes (${(error as Error).message})`,
      "Point store.url at the primary (not a read-only standby) and grant the relay's user write access.",
    );
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
