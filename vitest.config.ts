import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two tiers, chosen by measured duration (see README "Development"):
 * - fast (`npm test`): unit and in-process integration tests on two workers, under 2 minutes on two cores;
 * - reliability (`npm run test:reliability`): child processes, chaos, crash, flood, replicas,
 *   frozen stores, and the end-to-end files that start many relays.
 * Both use the same global PostgreSQL setup and timeouts (inherited from the root `test` below).
 */
const SLOW = [
  'test/reliability/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  // Spawns the built relay's `records` CLI and a server three times.
  'test/ops/records-cli.test.ts',
  // Runs the built `doctor` about twenty times, against simulators and stores.
  'test/cli/doctor-hubspot.test.ts',
  'test/cli/doctor-sources.test.ts',
  'test/cli/doctor-store.test.ts',
  // Admin API on relays started per test (real port, worker thread, simulators): 40 s between them.
  'test/ops/admin.test.ts',
  'test/ops/admin-webhooks.test.ts',
  // The operator console in headless Chromium against a relay process and the HubSpot simulator.
  'test/console/**/*.test.ts',
  // Fills PostgreSQL with a million rows to check the delivery path's plans and chunked retention.
  'test/store/postgres-large.test.ts',
];

export default defineConfig({
  test: {
    // The container checks need a Docker engine and built images: `npm run test:container`.
    exclude: [...configDefaults.exclude, 'test/container/**'],
    globalSetup: ['test/support/postgres-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/container/**', ...SLOW] },
      },
      { extends: true, test: { name: 'reliability', include: SLOW } },
    ],
  },
});
