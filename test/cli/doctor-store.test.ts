import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { runDoctorJson, type DoctorLine } from '../support/cli-run.js';
import { freshSchema, postgresUrl, queryPg } from '../support/postgres.js';
import { writeConfig } from '../support/process.js';
import { tempDir } from '../support/temp.js';

// Needs `npm run build`. No HubSpot token here (the sandbox): these runs check the store alone.
const temp = tempDir('relay-doctor-store-');
afterAll(() => temp.remove());
const pgUrl = postgresUrl();

function configFor(storeUrl: string, name: string): string {
  return writeConfig(
    temp.dir,
    { store: { url: storeUrl }, sources: [{ id: 'zoom', type: 'zoom', secretToken: 'a-zoom-secret-of-32-characters!!' }] },
    name,
  );
}
const storeLines = (checks: DoctorLine[]) => checks.filter((c) => c.group === 'store');

describe('doctor: the store (SQLite)', () => {
  it('a migrated file: opens, schema current, takes writes; doctor changes nothing', async () => {
    const file = `${temp.dir}/migrated.db`;
    const store = openStore(`sqlite:${file}`);
    await store.migrate();
    await store.close();
    const version = new Database(file).pragma('user_version', { simple: true });
    const { code, checks } = await runDoctorJson(configFor(`sqlite:${file}`, 'migrated.yaml'));
    expect(code).toBe(0);
    expect(storeLines(checks)).toEqual([
      expect.objectContaining({ status: 'ok', message: `SQLite opens ${file}` }),
      expect.objectContaining({ status: 'ok', message: `schema at version ${version} (current)` }),
      expect.objectContaining({ status: 'ok', message: 'the store takes writes' }),
    ]);
    expect(new Database(file).pragma('user_version', { simple: true })).toBe(version);
  });

  it('a file not created yet: a warning (serve creates it), and doctor does not create it', async () => {
    const file = `${temp.dir}/later/relay.db`;
    const { code, checks } = await runDoctorJson(configFor(`sqlite:${file}`, 'later.yaml'));
    expect(code).toBe(0);
    expect(storeLines(checks)).toEqual([
      expect.objectContaining({ status: 'warn', message: expect.stringContaining('does not exist yet: serve creates it') }),
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it('a schema older than the relay: a warning, not migrated; newer: ✗', async () => {
    const older = `${temp.dir}/older.db`;
    new Database(older).close(); // an empty database: user_version 0
    const first = await runDoctorJson(configFor(`sqlite:${older}`, 'older.yaml'));
    expect(storeLines(first.checks)).toContainEqual(
      expect.objectContaining({ status: 'warn', message: expect.stringMatching(/^schema at version 0 of \d+/) }),
    );
    expect(new Database(older).pragma('user_version', { simple: true })).toBe(0);

    const newer = `${temp.dir}/newer.db`;
    const db = new Database(newer);
    db.pragma('user_version = 999');
    db.close();
    const second = await runDoctorJson(configFor(`sqlite:${newer}`, 'newer.yaml'));
    expect(second.code).toBe(1);
    expect(storeLines(second.checks)).toContainEqual(
      expect.objectContaining({ status: 'fail', message: expect.stringContaining('newer than this relay'), fix: expect.any(String) }),
    );
  });
});

describe.skipIf(!pgUrl)('doctor: the store (PostgreSQL)', () => {
  it('migrated: the server version, schema current, takes writes, the other sessions; nothing left behind', async () => {
    const schema = await freshSchema(pgUrl as string);
    try {
      const store = openStore(schema.url);
      await store.migrate();
      const { code, checks } = await runDoctorJson(configFor(schema.url, 'pg.yaml'));
      await store.close();
      expect(code).toBe(0);
      const lines = storeLines(checks);
      expect(lines[0]).toMatchObject({ status: 'ok', message: expect.stringMatching(/^PostgreSQL \d+\.\d+.* opens$/) });
      expect(lines).toContainEqual(
        expect.objectContaining({ status: 'ok', message: expect.stringMatching(/^schema at version \d+ \(current\)$/) }),
      );
      expect(lines).toContainEqual(expect.objectContaining({ status: 'ok', message: 'the store takes writes' }));
      // The test's own store pool was connected while doctor ran.
      expect(lines).toContainEqual(
        expect.objectContaining({ status: 'ok', message: expect.stringMatching(/other session\(s\) connected/) }),
      );
      const tables = await queryPg<{ name: string }>(
        schema.url,
        `SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'relay_doctor%'`,
      );
      expect(tables).toEqual([]);
    } finally {
      await schema.drop();
    }
  });

  it('not migrated, read-only sessions: a warning for the schema (left alone) and ✗ for writes', async () => {
    const schema = await freshSchema(pgUrl as string);
    try {
      const readOnly = new URL(schema.url);
      readOnly.searchParams.set('options', `${readOnly.searchParams.get('options')} -c default_transaction_read_only=on`);
      const { code, checks } = await runDoctorJson(configFor(readOnly.toString(), 'pg-ro.yaml'));
      expect(code).toBe(1);
      const lines = storeLines(checks);
      expect(lines).toContainEqual(expect.objectContaining({ status: 'warn', message: expect.stringContaining('no schema yet') }));
      expect(lines).toContainEqual(
        expect.objectContaining({ status: 'fail', message: expect.stringContaining('refuses writes'), fix: expect.any(String) }),
      );
      expect(await queryPg(schema.url, `SELECT to_regclass('schema_migrations')::text AS found`)).toEqual([{ found: null }]);
    } finally {
      await schema.drop();
    }
  });
});
