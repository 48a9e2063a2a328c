import Database from 'better-sqlite3';

/** Runs one read-only query against a relay's SQLite file. */
export function queryDb<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function countByStatus(file: string): Record<string, number> {
  const rows = queryDb<{ status: string; n: number }>(file, 'SELECT status, COUNT(*) AS n FROM records GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
