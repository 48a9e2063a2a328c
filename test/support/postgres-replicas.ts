import { afterEach, beforeEach } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/ports.js';
import { freshSchema, type TestSchema } from './postgres.js';

export interface PostgresReplicas {
  /** This test's schema URL (search_path set to a schema of its own). */
  readonly url: string;
  /** Another replica: a Store with a pool of its own on this test's schema, migrated unless told not to. */
  replica(migrate?: boolean): Promise<Store>;
}

/**
 * For the PostgreSQL store tests: each test gets a fresh schema; the replicas it opens are closed
 * and the schema dropped after it. Call inside the (skippable) describe block.
 */
export function postgresReplicasPerTest(baseUrl: string | undefined): PostgresReplicas {
  let schema: TestSchema | undefined;
  let opened: Store[] = [];

  beforeEach(async () => {
    if (!baseUrl) throw new Error('postgresReplicasPerTest needs a PostgreSQL (postgresUrl())');
    schema = await freshSchema(baseUrl);
    opened = [];
  });

  afterEach(async () => {
    for (const store of opened) await store.close().catch(() => undefined);
    await schema?.drop();
    schema = undefined;
  });

  const current = (): TestSchema => {
    if (!schema) throw new Error('the schema exists only while a test runs');
    return schema;
  };

  return {
    get url() {
      return current().url;
    },
    async replica(migrate = true) {
      const store = openStore(current().url);
      opened.push(store);
      if (migrate) await store.migrate();
      return store;
    },
  };
}
