import type Database from 'better-sqlite3';
import { readMigrations } from '../migrations/index.js';

/** SQLite's schema versions (../migrations/sqlite/NNN-*.sql); the one reached is kept in `PRAGMA user_version`. */
export const SQLITE_MIGRATIONS: readonly string[] = readMigrations('sqlite');

export function migrateSqlite(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return SQLITE_MIGRATIONS.length;
}
