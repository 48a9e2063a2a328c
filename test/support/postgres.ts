import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The PostgreSQL the global setup found, or why there is none. */
export function postgresUrl(): string | undefined {
  const url = inject('postgresUrl');
  if (url) return url;
  const reason = inject('postgresSkipReason');
  if (process.env.CI === 'true') throw new Error(`PostgreSQL tests cannot be skipped under CI=true: ${reason}`);
  console.warn(`PostgreSQL tests skipped: ${reason}`);
  return undefined;
}

export interface TestSchema {
  /** A connection URL whose search_path is a schema of its own, so tests never see each other's rows. */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

export async function freshSchema(baseUrl: string): Promise<TestSchema> {
  const schema = `relay_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** One query against a test schema, outside the relay. */
export async function queryPg<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({
    connectionString: url,
    types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) },
  });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
