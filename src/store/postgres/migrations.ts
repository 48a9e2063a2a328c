import type pg from 'pg';
import { readMigrations } from '../migrations/index.js';

/** PostgreSQL's schema versions (../migrations/postgres/NNN-*.sql), each recorded in schema_migrations. */
export const POSTGRES_MIGRATIONS: readonly string[] = readMigrations('postgres');

/** Applies missing versions under an advisory lock: replicas starting together take turns. */
export async function migratePostgres(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // Waiting for another replica's migration, or a long migration, must not hit the pool's statement timeout.
    await client.query('SET statement_timeout = 0');
    await client.query(`SELECT pg_advisory_lock(hashtext(current_schema() || ':migrations'))`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    for (let version = 1; version <= POSTGRES_MIGRATIONS.length; version++) {
      if (done.has(version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(POSTGRES_MIGRATIONS[version - 1] as string);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
        applied.push(version);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext(current_schema() || ':migrations'))`).catch(() => undefined);
    await client.query('RESET statement_timeout').catch(() => undefined);
    client.release();
  }
  return applied;
}
