#!/usr/bin/env -S node --max-old-space-size=128 --max-semi-space-size=2
// The heap flags (also in `npm start` and the Dockerfile): the backlog lives on disk, so a small
// heap keeps RSS flat; V8 would otherwise let garbage pile up to a large default limit first.
import { parseArgs } from 'node:util';
import type { RelayConfig } from './config/schema.js';
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
  attendance-relay zoom reconcile --id ID    reconcile one Zoom webinar or meeting from Zoom's report now
  attendance-relay openapi                   print the OpenAPI description (YAML)
  attendance-relay init [--yes] ...          write a commented relay.yaml (see init --help)
  attendance-relay doctor [--config FILE]    check the set-up, one line per check (see doctor --help)
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

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'init' || argv[0] === 'doctor') return setupCommand(argv[0], argv.slice(1));
  if (argv[0] === 'records' || argv[0] === 'webhooks' || argv[0] === 'zoom') {
    const rest = argv.slice(1);
    const at = rest.findIndex((a) => a === '--config' || a === '-c');
    const file = at >= 0 ? rest[at + 1] : process.env.CONFIG_FILE;
    const command =
      argv[0] === 'records'
        ? (await import('./cli/records.js')).recordsCommand
        : argv[0] === 'zoom'
          ? (await import('./cli/zoom.js')).zoomCommand
          : (await import('./cli/webhooks.js')).webhooksCommand;
    process.exitCode = await command(rest, await readConfig(file), (line) => process.stdout.write(`${line}\n`));
    return;
  }
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      url: { type: 'string' },
      secret: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'serve'] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const file = values.config ?? process.env.CONFIG_FILE;
  if (command === 'serve') {
    // The store worker thread first: it loads its modules while this thread reads the configuration and loads the app.
    const storeWorker = spawnStoreWorker();
    const [config, { serve }] = await Promise.all([readConfig(file), import('./cli/serve.js')]);
    return serve({ config, file, storeWorker });
  }
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

/** `init` and `doctor` parse their own flags: they must run without a loadable configuration. */
async function setupCommand(command: 'init' | 'doctor', rest: string[]): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  if (command === 'init') {
    const { initCommand } = await import('./cli/init/index.js');
    const terminal = process.stdin.isTTY && process.stdout.isTTY ? { input: process.stdin, output: process.stdout } : undefined;
    process.exitCode = await initCommand(rest, { out, err, terminal });
    return;
  }
  const { doctorCommand } = await import('./cli/doctor/index.js');
  process.exitCode = await doctorCommand(rest, { out, err });
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`attendance-relay: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
