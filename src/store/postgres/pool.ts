import pg from 'pg';
import type { Log } from '../../support/log.js';

/** A pool or one of its clients inside a transaction: both can run queries. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const INT8 = 20;

export interface SessionBounds {
  /**
   * PostgreSQL ends a session idle this long inside a transaction. A replica frozen mid-round
   * (SIGSTOP, a GC stall, a paused VM) holds the processing lock in such a transaction: this
   * bounds how long it can stall every other replica.
   */
  idleInTransactionTimeoutMs?: number;
}

// Server-side TCP keepalives: a replica whose host vanished without closing its connections is
// noticed within about a minute (30 s idle, then 3 probes 10 s apart), not the kernel's 2 hours.
const SERVER_KEEPALIVES = '-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3';

/** The URL with `settings` added to its `options` startup parameter (kept, when the URL has one). */
export function withSessionSettings(url: string, settings: string): string {
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  parsed.searchParams.set('options', given ? `${given} ${settings}` : settings);
  return parsed.toString();
}

export function createPool(url: string, log?: Log, bounds: SessionBounds = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: withSessionSettings(url, SERVER_KEEPALIVES),
    max: 10,
    // Fail fast when PostgreSQL is away, so webhooks get 503 at once rather than hanging.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    idle_in_transaction_session_timeout: bounds.idleInTransactionTimeoutMs ?? 30_000,
    // Client-side keepalives: a database host that vanished fails our queries instead of hanging them.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Ids and epoch-millisecond times are BIGINT; all of them fit in a JS number.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
    },
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
