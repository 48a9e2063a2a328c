import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: finds a PostgreSQL for the tests. TEST_DATABASE_URL
 * first; otherwise a throw-away container through testcontainers when a Docker
 * engine answers; otherwise the PostgreSQL tests report themselves skipped
 * (and under CI=true they fail instead, so CI never passes without them).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let url = process.env.TEST_DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  let why = '';
  if (!url && (existsSync('/var/run/docker.sock') || process.env.DOCKER_HOST)) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      url = container.getConnectionUri();
      stop = async () => void (await container.stop());
    } catch (error) {
      why = `testcontainers could not start PostgreSQL (${(error as Error).message.split('\n')[0]})`;
    }
  } else if (!url) {
    why = 'TEST_DATABASE_URL is not set and no Docker engine is available';
  }
  project.provide('postgresUrl', url ?? '');
  project.provide(
    'postgresSkipReason',
    url ? '' : `${why}. Set TEST_DATABASE_URL=postgres://user@host:5432/db (or start Docker) to run them.`,
  );
  return async () => {
    await stop?.();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresSkipReason: string;
  }
}
