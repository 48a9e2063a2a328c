import type Database from 'better-sqlite3';
import type { Queryable } from './postgres/pool.js';

/**
 * What differs between the two SQL dialects, and nothing else. Every query shared by the stores is
 * written once with numbered parameters ($1, $2, ...): PostgreSQL takes them as they are, and
 * better-sqlite3 takes `$1` as a named parameter bound from {1: ...} (see sqliteRunner).
 */
export interface Dialect {
  readonly kind: 'sqlite' | 'postgres';
  /** `column` is one of the values of the list bound at `param` (bind it with list()). */
  oneOf(column: string, param: string, type: 'text' | 'bigint'): string;
  /** The list bound at `param` is absent (bound as null): no restriction. */
  noList(param: string, type: 'text' | 'bigint'): string;
  /** A list as this dialect binds it: SQLite reads a JSON array with json_each, PostgreSQL takes an array. */
  list(values: readonly (string | number)[]): unknown;
  /** `param` as a value of `type` where PostgreSQL cannot infer it (SQLite's values carry their own types). */
  typed(param: string, type: 'text'): string;
  /** Row locks for a claim: replicas skip each other's rows in PostgreSQL; one SQLite writer needs none. */
  readonly skipLocked: string;
  /**
   * `expr` kept off indexes: SQLite's planner would otherwise take records_due for the claim and
   * sort the whole backlog, where walking records_ready stops after LIMIT rows (a unary +).
   */
  unindexed(expr: string): string;
}

export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  oneOf: (column, param) => `${column} IN (SELECT value FROM json_each(${param}))`,
  noList: (param) => `${param} IS NULL`,
  list: (values) => JSON.stringify(values),
  typed: (param) => param,
  skipLocked: '',
  unindexed: (expr) => `+${expr}`,
};

export const postgresDialect: Dialect = {
  kind: 'postgres',
  oneOf: (column, param, type) => `${column} = ANY(${param}::${type}[])`,
  noList: (param, type) => `${param}::${type}[] IS NULL`,
  list: (values) => values,
  typed: (param, type) => `${param}::${type}`,
  skipLocked: 'FOR UPDATE OF r SKIP LOCKED',
  unindexed: (expr) => expr,
};

/** Runs one shared statement: the rows it returns, or how many rows it changed. */
export interface SqlRunner {
  rows<T>(sql: string, values?: readonly unknown[]): Promise<T[]>;
  changes(sql: string, values?: readonly unknown[]): Promise<number>;
}

/** Positional values as better-sqlite3 binds `$1`, `$2`, ...: by name. */
export const sqliteParams = (values: readonly unknown[]): Record<number, unknown> =>
  Object.fromEntries(values.map((value, i) => [i + 1, value]));

/** Statements are prepared once and kept: better-sqlite3 is synchronous, so each call is whole in one tick. */
export function sqliteRunner(db: Database.Database): SqlRunner {
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  const bound = (values: readonly unknown[]) => (values.length > 0 ? [sqliteParams(values)] : []);
  return {
    rows: async <T>(sql: string, values: readonly unknown[] = []) => statement(sql).all(...bound(values)) as T[],
    changes: async (sql, values = []) => statement(sql).run(...bound(values)).changes,
  };
}

export function postgresRunner(db: Queryable): SqlRunner {
  return {
    rows: async <T>(sql: string, values: readonly unknown[] = []) => (await db.query(sql, values as unknown[])).rows as T[],
    changes: async (sql, values = []) => (await db.query(sql, values as unknown[])).rowCount ?? 0,
  };
}
