import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { waitFor } from './wait.js';

/** The built entry point: child-process tests run exactly what `npm start` runs. */
export const MAIN_JS = resolve(import.meta.dirname, '../../dist/src/main.js');

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  /** Parsed JSON log lines from stdout. */
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function writeConfig(dir: string, config: Record<string, unknown>, name = 'relay.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(config));
  return file;
}

/**
 * Starts `node dist/src/main.js <args>` and resolves once it is ready: on `port` when given (polling
 * /readyz), else on the port its "Server listening" log line names (needs log level info).
 */
export async function spawnRelay(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; port?: number } = {},
): Promise<RelayProcess> {
  const child = spawn(process.execPath, [MAIN_JS, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const listening = await waitFor(
    async () => {
      if (gone) throw new Error(`relay exited early: ${stderr.join('')}`);
      if (options.port) {
        const url = `http://127.0.0.1:${options.port}`;
        const res = await request(`${url}/readyz`).catch(() => undefined);
        await res?.body.dump();
        return res?.statusCode === 200 ? url : undefined;
      }
      const line = logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at http://127.0.0.1'));
      return line ? String(line.msg).replace('Server listening at ', '') : undefined;
    },
    'the relay to listen',
    20_000,
  );
  return { child, url: listening, logs, stderr, exited };
}

/** Runs `node dist/src/main.js <args>` to the end (a CLI command); its exit code and stdout. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], { env: { PATH: process.env.PATH } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('exit', (code) => resolveRun({ code, stdout }));
  });
}

/**
 * A test relay's configuration: loopback on any port, SQLite in `dir`, HubSpot at `hubspotUrl`
 * (the simulator's token), info logs; `config` is merged over it (`server` and `hubspot` key by key).
 */
export function relayConfig(dir: string, hubspotUrl: string, config: Record<string, unknown> = {}): Record<string, unknown> {
  const { server, hubspot, ...rest } = config as { server?: object; hubspot?: object };
  return {
    server: { host: '127.0.0.1', port: 0, ...server },
    store: { url: `sqlite:${dir}/relay.db` },
    hubspot: { baseUrl: hubspotUrl, accessToken: 'sim-token', ...hubspot },
    logging: { level: 'info' },
    ...rest,
  };
}

/** `serve` with relayConfig(dir, hubspotUrl, config), written to `dir/<name>`. */
export function spawnTestRelay(
  dir: string,
  hubspotUrl: string,
  config: Record<string, unknown>,
  options: { env?: NodeJS.ProcessEnv; name?: string } = {},
): Promise<RelayProcess> {
  return spawnRelay(['serve', '--config', writeConfig(dir, relayConfig(dir, hubspotUrl, config), options.name)], { env: options.env });
}

/** Kills a test relay process if it still runs. */
export function killRelay(relay: RelayProcess | undefined): void {
  if (relay && relay.child.exitCode === null) relay.child.kill('SIGKILL');
}
