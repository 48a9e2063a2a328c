import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The container checks (npm run test:container runs them through test/container/run.sh, which builds
// the images first). One file at a time: they share the machine's Docker engine and two cores.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/container/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
