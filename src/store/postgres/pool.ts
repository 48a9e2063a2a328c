import pg from 'pg';
import type { Log } from '../../support/log.js';

/** A pool or one of its clients inside a transaction: both can run queries. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const INT8 = 20;

export function createPool(url: string, log?: Log): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Fail fast when PostgreSQL is away, so webhooks get 503 at once rather than hanging.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    // Ids and epoch-millisecond times are BIGINT; all of them fit in a JS number.
    types: { getTypeParser: (oid: number, format?: string) => (oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) },
  });
  // A connection lost must never crash the process (an unhandled 'error' event would): idle clients
  // report through the pool, checked-out ones through their own listener; the query in hand fails.
  const lost = (error: Error) => log?.warn({ err: error }, 'PostgreSQL connection lost; reconnecting on next use');
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return pool;
}

/** Runs `work` inside one transaction on one client. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
