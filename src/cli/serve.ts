import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import { buildApp } from '../app/build-app.js';
import { loadConfig } from '../config/load.js';
import type { RelayConfig } from '../config/schema.js';
import type { SpawnedStoreWorker } from '../processing/worker/client.js';
import { sandboxBanner, startSandboxHubspot, type SandboxHubspot } from './sandbox.js';

/** Signals and events that close-with-grace leaves alone: SIGHUP reloads, an unhandled rejection exits at once. */
const NOT_A_SHUTDOWN: closeWithGrace.AllEvents[] = [
  'SIGHUP',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGSEGV',
  'SIGUSR2',
  'uncaughtException',
  'unhandledRejection',
  'beforeExit',
];

export interface ServeOptions {
  config: RelayConfig;
  /** The configuration file, read again on SIGHUP and POST /admin/reload; none: reload is unavailable. */
  file: string | undefined;
  storeWorker: SpawnedStoreWorker;
}

const withSandboxHubspot = (c: RelayConfig, s: SandboxHubspot): RelayConfig => ({
  ...c,
  hubspot: { ...c.hubspot, baseUrl: s.url, accessToken: s.token },
});

/**
 * Runs the relay until SIGTERM or SIGINT: /readyz turns 503, webhooks are still taken for
 * server.drainDelayMs, then the app closes (see buildApp for the order). A second signal exits at once.
 */
export async function serve({ config: fileConfig, file, storeWorker }: ServeOptions): Promise<void> {
  let config = fileConfig;
  const sandbox = config.sandbox ? await startSandboxHubspot() : undefined;
  if (sandbox) config = withSandboxHubspot(config, sandbox);
  // Reload re-reads the file; the sandbox's simulator stays the HubSpot when no token is set.
  const loadConfigAgain = file
    ? () => {
        const next = loadConfig({ file });
        return sandbox && next.sandbox ? withSandboxHubspot(next, sandbox) : next;
      }
    : undefined;
  const app = await buildApp(config, { loadConfig: loadConfigAgain, storeWorker });
  await app.listen({ port: config.server.port, host: config.server.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  if (sandbox) process.stderr.write(`${sandboxBanner(config, sandbox.url, port)}\n`);

  const { drainDelayMs, shutdownGraceMs } = config.server;
  closeWithGrace(
    {
      // Bounded: if closing hangs past the grace period, leave anyway (records are on disk).
      delay: drainDelayMs + shutdownGraceMs + 5000,
      logger: false,
      skip: NOT_A_SHUTDOWN,
      onSecondSignal: (signal) => app.log.warn({ signal }, 'second signal: exiting now'),
    },
    async ({ signal }) => {
      app.log.info({ signal }, 'draining: no new webhooks, finishing the HubSpot call in flight');
      app.beginDrain();
      try {
        await sleep(drainDelayMs);
        await app.close();
        await sandbox?.close();
      } catch (error) {
        app.log.error({ err: error }, 'error while closing');
        throw error;
      }
    },
  );
  process.on('SIGHUP', () => {
    app
      .reloadConfig()
      .catch((error: Error) => app.log.error({ err: error }, 'configuration reload refused: the running configuration is unchanged'));
  });
  process.on('unhandledRejection', (error) => {
    app.log.fatal({ err: error }, 'unhandled rejection: exiting (stored webhooks are safe on disk)');
    process.exit(1);
  });
}
