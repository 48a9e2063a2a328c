import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { freshSchema, postgresUrl, queryPg } from '../support/postgres.js';
import { tempDir } from '../support/temp.js';

/**
 * Both dialects' migrations must build the same schema, but for the differences listed here on
 * purpose. Tables and columns are compared by name and nullability; indexes by table, columns and
 * uniqueness (PostgreSQL rewrites a partial index's WHERE into its own words, so predicates are
 * left to the migration files, which sit side by side).
 */
const INTENDED = {
  tablesOnlyInPostgres: [
    // HubSpot's send window and pauses are shared by replicas; one SQLite process keeps them in memory.
    'hubspot_pauses',
    'hubspot_sends',
    // SQLite records its version in PRAGMA user_version.
    'schema_migrations',
  ],
  indexesOnlyInPostgres: [
    'hubspot_sends_at',
    // SQLite's sessions table is WITHOUT ROWID, clustered on (source_id, source_event_id, occurrence,
    // email): an event's sessions are one range of the table itself, so it needs no second index.
    'sessions_event_open',
  ],
};

interface Schema {
  version: number;
  tables: string[];
  /** table.column → 'null' | 'not null' */
  columns: Record<string, string>;
  /** index name → 'table (columns)', with 'unique ' in front for a unique one */
  indexes: Record<string, string>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sqliteSchema(): Promise<Schema> {
  const temp = tempDir();
  cleanups.push(() => temp.remove());
  const file = join(temp.dir, 'relay.db');
  const store = openStore(`sqlite:${file}`);
  await store.migrate();
  await store.close();
  const db = new Database(file, { readonly: true });
  cleanups.push(() => void db.close());
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map(
    (t) => t.name,
  );
  const columns: Record<string, string> = {};
  for (const table of tables) {
    for (const c of db.pragma(`table_info(${table})`) as Array<{ name: string; notnull: number; pk: number }>) {
      // A primary-key column never holds NULL (INTEGER PRIMARY KEY is the rowid), declared so or not.
      columns[`${table}.${c.name}`] = c.notnull || c.pk ? 'not null' : 'null';
    }
  }
  const indexes: Record<string, string> = {};
  const named = db.prepare(`SELECT name, tbl_name AS "table" FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`).all() as Array<{
    name: string;
    table: string;
  }>;
  for (const { name, table } of named) {
    const unique = (db.pragma(`index_list(${table})`) as Array<{ name: string; unique: number }>).find((i) => i.name === name)?.unique;
    const cols = (db.pragma(`index_info(${name})`) as Array<{ name: string }>).map((c) => c.name);
    indexes[name] = `${unique ? 'unique ' : ''}${table} (${cols.join(', ')})`;
  }
  return { version: db.pragma('user_version', { simple: true }) as number, tables, columns, indexes };
}

async function postgresSchema(baseUrl: string): Promise<Schema> {
  const schema = await freshSchema(baseUrl);
  cleanups.push(() => schema.drop());
  const store = openStore(schema.url);
  await store.migrate();
  await store.close();
  const q = <T extends Record<string, unknown>>(sql: string) => queryPg<T>(schema.url, sql);
  const tables = (
    await q<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
    )
  ).map((t) => t.name);
  const columns: Record<string, string> = {};
  const cols = await q<{ t: string; c: string; nullable: string }>(
    `SELECT table_name AS t, column_name AS c, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  for (const c of cols) columns[`${c.t}.${c.c}`] = c.nullable === 'YES' ? 'null' : 'not null';
  const indexes: Record<string, string> = {};
  // Primary keys are compared as columns (SQLite keeps them in the table, or names them sqlite_autoindex_*).
  const rows = await q<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%\\_pkey'`,
  );
  for (const { name, def } of rows) {
    const parsed = /^CREATE (UNIQUE )?INDEX \S+ ON \S+?\.?(\w+) USING btree \(([^)]*)\)/.exec(def);
    indexes[name] = parsed ? `${parsed[1] ? 'unique ' : ''}${parsed[2]} (${parsed[3]})` : def;
  }
  const version = (await q<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations'))[0]?.v ?? 0;
  return { version, tables, columns, indexes };
}

const without = <T>(record: Record<string, T>, drop: (key: string) => boolean) =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !drop(key)));

const pgUrl = postgresUrl();

describe('schema parity between the SQLite and PostgreSQL migrations', () => {
  it('when both dialects have the same number of migrations then a new version is never added to one alone', () => {
    expect(SQLITE_MIGRATIONS.length).toBe(POSTGRES_MIGRATIONS.length);
  });

  it.skipIf(!pgUrl)('when a fresh SQLite file and a fresh PostgreSQL schema are migrated then they differ only as listed', async () => {
    const [lite, pg] = [await sqliteSchema(), await postgresSchema(pgUrl as string)];
    expect(lite.version).toBe(pg.version);

    const pgOnlyTable = (name: string) => INTENDED.tablesOnlyInPostgres.includes(name);
    expect(lite.tables).toEqual(pg.tables.filter((t) => !pgOnlyTable(t)));
    expect(pg.tables.filter(pgOnlyTable)).toEqual(INTENDED.tablesOnlyInPostgres);

    expect(lite.columns).toEqual(without(pg.columns, (key) => pgOnlyTable(key.split('.')[0] as string)));

    expect(lite.indexes).toEqual(without(pg.indexes, (name) => INTENDED.indexesOnlyInPostgres.includes(name)));
    expect(
      Object.keys(pg.indexes)
        .filter((name) => INTENDED.indexesOnlyInPostgres.includes(name))
        .sort(),
    ).toEqual(INTENDED.indexesOnlyInPostgres);
  });
});
