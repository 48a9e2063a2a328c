#!/usr/bin/env -S node --max-old-space-size=128 --max-semi-space-size=2
// The heap flags (also in `npm start` and the Dockerfile): the backlog lives on disk, so a small
// heap keeps RSS flat; V8 would otherwise let garbage pile up to a large default limit first.
import { parseArgs } from 'node:util';
import type { RelayConfig } from './config/schema.js';
import type { SandboxHubspot } from './cli/sandbox.js';
import { spawnStoreWorker } from './processing/worker/client.js';
// Everything else is imported when used: `serve` starts the store worker thread first, so it
// loads its modules while this thread reads the configuration and loads the app's (a start is
// mostly loading modules).

const USAGE = `Usage:
  attendance-relay serve [--config FILE]     run the relay (CONFIG_FILE works too)
  attendance-relay send-sample [--url URL]   post signed sample Zoom webhooks to a sandbox relay
  attendance-relay migrate [--config FILE]   apply the store's schema migrations and exit
  attendance-relay records list|replay ...   list or replay records in the store (see records --help)
  attendance-relay webhooks list ...         list webhooks waiting for their source, or dead (see webhooks --help)
  attendance-relay openapi                   print the OpenAPI description (YAML)
`;
/** Exit status for an unusable configuration (sysexits EX_CONFIG). */
const EX_CONFIG = 78;

async function readConfig(file: string | undefined): Promise<RelayConfig> {
  const [{ ConfigError, loadConfig }, { withSandboxSources }] = await Promise.all([import('./config/load.js'), import('./cli/sandbox.js')]);
  try {
    const config = loadConfig({ file });
    return file ? config : withSandboxSources(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`attendance-relay: ${error.message}\n`);
      process.exit(EX_CONFIG);
    }
    throw error;
  }
}

async function serve(file: string | undefined): Promise<void> {
  const storeWorker = spawnStoreWorker();
  let config = await readConfig(file);
  const [{ loadConfig }, { sandboxBanner, startSandboxHubspot }] = await Promise.all([import('./config/load.js'), import('./cli/sandbox.js')]);
  const withSandboxHubspot = (c: RelayConfig, s: SandboxHubspot): RelayConfig => ({ ...c, hubspot: { ...c.hubspot, baseUrl: s.url, accessToken: s.token } });
  const sandbox = config.sandbox ? await startSandboxHubspot() : undefined;
  if (sandbox) config = withSandboxHubspot(config, sandbox);
  // Reload re-reads the file; the sandbox's simulator stays the HubSpot when no token is set.
  const loadConfigAgain = file
    ? () => {
        const next = loadConfig({ file });
        return sandbox && next.sandbox ? withSandboxHubspot(next, sandbox) : next;
      }
    : undefined;
  const { buildApp } = await import('./app.js');
  const app = await buildApp(config, { loadConfig: loadConfigAgain, storeWorker });
  await app.listen({ port: config.server.port, host: config.server.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  if (sandbox) process.stderr.write(`${sandboxBanner(config, sandbox.url, port)}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'draining: no new webhooks, finishing the HubSpot call in flight');
    // Bounded: if closing hangs past the grace period, leave anyway (records are on disk).
    setTimeout(() => process.exit(1), config.server.drainDelayMs + config.server.shutdownGraceMs + 5000).unref();
    app.beginDrain();
    new Promise((resolve) => setTimeout(resolve, config.server.drainDelayMs))
      .then(() => app.close())
      .then(() => sandbox?.close())
      .then(() => process.exit(0))
      .catch((error) => {
        app.log.error({ err: error }, 'error while closing');
        process.exit(1);
      });
  };
  process.on('SIGHUP', () => {
    app
      .reloadConfig()
      .catch((error: Error) => app.log.error({ err: error }, 'configuration reload refused: the running configuration is unchanged'));
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (error) => {
    app.log.fatal({ err: error }, 'unhandled rejection: exiting (stored webhooks are safe on disk)');
    process.exit(1);
  });
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'records' || argv[0] === 'webhooks') {
    const rest = argv.slice(1);
    const at = rest.findIndex((a) => a === '--config' || a === '-c');
    const file = at >= 0 ? rest[at + 1] : process.env.CONFIG_FILE;
    const command = argv[0] === 'records' ? (await import('./cli/records.js')).recordsCommand : (await import('./cli/webhooks.js')).webhooksCommand;
    process.exitCode = await command(rest, await readConfig(file), (line) => process.stdout.write(`${line}\n`));
    return;
  }
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, url: { type: 'string' }, secret: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'serve'] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const file = values.config ?? process.env.CONFIG_FILE;
  if (command === 'serve') return serve(file);
  if (command === 'migrate') {
    const config = await readConfig(file);
    const { openStore } = await import('./store/open-store.js');
    const store = openStore(config.store.url);
    try {
      await store.migrate();
      process.stdout.write(`attendance-relay: ${config.store.url.split(':')[0]} store at the latest schema version\n`);
    } finally {
      await store.close();
    }
    return;
  }
  if (command === 'openapi') {
    const { openapiYaml } = await import('./cli/openapi.js');
    process.stdout.write(await openapiYaml());
    return;
  }
  if (command === 'send-sample') {
    const config = await readConfig(file);
    const zoom = config.sources.find((s) => s.type === 'zoom');
    const url = values.url ?? `http://127.0.0.1:${config.server.port}/webhooks/${zoom?.id ?? 'zoom'}`;
    const { sendSample } = await import('./cli/send-sample.js');
    const ok = await sendSample({ url, secret: values.secret ?? (file ? zoom?.secretToken : undefined), storeUrl: config.store.url });
    process.exitCode = ok ? 0 : 1;
    return;
  }
  process.stderr.write(`attendance-relay: unknown command "${command}"\n${USAGE}`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`attendance-relay: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
