import { readdirSync, readFileSync } from 'node:fs';

export type SchemaDialect = 'sqlite' | 'postgres';

const FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;

/**
 * A dialect's forward-only schema versions, read from ./<dialect>/NNN-name.sql: the file's
 * number is its version, and entry i holds version i + 1. Never edit a shipped file: add the
 * next number. The build copies these files next to the compiled code.
 */
export function readMigrations(dialect: SchemaDialect): string[] {
  const dir = new URL(`./${dialect}/`, import.meta.url);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  return files.map((name, index) => {
    const version = FILE.exec(name)?.[1];
    // A gap or a stray name would silently shift every later version: refuse to start instead.
    if (version === undefined || Number(version) !== index + 1) {
      throw new Error(`migration ${dialect}/${name}: expected ${String(index + 1).padStart(3, '0')}-<name>.sql`);
    }
    return readFileSync(new URL(name, dir), 'utf8');
  });
}
