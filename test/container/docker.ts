import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { request } from 'undici';
import { waitFor } from '../support/wait.js';
import { zoomHeaders } from '../support/zoom.js';

/**
 * The container checks drive a real Docker engine through its CLI. test/container/run.sh builds the
 * images and passes their names; everything made here carries the run's label (and a name starting
 * with the run id), so run.sh can remove it all even when a check dies half-way.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the container checks with \`npm run test:container\``);
  return value;
}
export const RUN_ID = required('CONTAINER_TEST_RUN');
export const RELAY_IMAGE = required('RELAY_IMAGE');
export const SIMULATOR_IMAGE = required('SIMULATOR_IMAGE');
export const BASE_IMAGE = required('BASE_IMAGE');
export const COMPOSE = required('COMPOSE').split(' ');
export const RUN_LABEL = `hubspot-attendance-relay.test-run=${RUN_ID}`;
export const ROOT = resolve(import.meta.dirname, '../..');
const DOCKER = process.env.DOCKER ?? '/usr/bin/docker';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; resolves with its exit code and output whatever the code. */
export function exec(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Result> {
  return new Promise((done) => {
    const child = execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: stdout.trim(), stderr: stderr.trim() }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** `docker ARGS`; throws with its output unless it exits 0. */
export async function docker(...args: string[]): Promise<string> {
  const result = await exec(DOCKER, args);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

export const dockerResult = (args: string[], input?: string) => exec(DOCKER, args, { input });

/** The named resources of one test, removed (by id) when it is done. */
export class Resources {
  private readonly containers: string[] = [];
  private readonly volumes: string[] = [];
  private readonly networks: string[] = [];
  private count = 0;
  constructor(private readonly prefix: string) {}

  name(what: string): string {
    return `${RUN_ID}-${this.prefix}-${what}-${++this.count}`;
  }

  async network(): Promise<string> {
    const name = this.name('net');
    this.networks.push(await docker('network', 'create', '--label', RUN_LABEL, name));
    return name;
  }

  async volume(): Promise<string> {
    const name = this.name('data');
    this.volumes.push(await docker('volume', 'create', '--label', RUN_LABEL, name));
    return name;
  }

  /** `docker run -d` with the run's label; resolves with the container's id. */
  async run(name: string, args: string[]): Promise<string> {
    const id = await docker('run', '-d', '--name', name, '--label', RUN_LABEL, ...args);
    this.containers.push(id);
    return id;
  }

  async remove(): Promise<void> {
    if (this.containers.length) await docker('rm', '-f', '-v', ...this.containers.splice(0));
    if (this.volumes.length) await docker('volume', 'rm', ...this.volumes.splice(0));
    if (this.networks.length) await docker('network', 'rm', ...this.networks.splice(0));
  }
}

export interface Health {
  Status: string;
  FailingStreak: number;
  Log: Array<{ Start: string; ExitCode: number; Output: string }>;
}
export interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  OOMKilled: boolean;
  StartedAt: string;
  Health?: Health;
}

export async function state(id: string): Promise<ContainerState> {
  return JSON.parse(await docker('inspect', '-f', '{{json .State}}', id)) as ContainerState;
}

export async function waitHealthy(id: string, timeoutMs = 60_000): Promise<void> {
  const last = await waitFor(
    async () => {
      const now = await state(id);
      return !now.Running || now.Health?.Status === 'healthy' ? now : undefined;
    },
    `${id.slice(0, 12)} to be healthy`,
    timeoutMs,
    250,
  );
  if (!last.Running)
    throw new Error(`container exited with ${last.ExitCode}: ${(await dockerResult(['logs', '--tail', '20', id])).stderr}`);
}

/** http://127.0.0.1:<port> where Docker published the container's `port`. */
export async function publishedUrl(id: string, port: number): Promise<string> {
  const binding = (await docker('port', id, `${port}/tcp`)).split('\n')[0] ?? '';
  return `http://${binding.replace('0.0.0.0', '127.0.0.1')}`;
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await request(url);
  return { status: res.statusCode, body: (await res.body.json()) as T };
}

/** Posts a Zoom webhook signed with `secret`; resolves with the status and the error code, if any. */
export async function postZoom(url: string, secret: string, event: unknown): Promise<{ status: number; code?: string }> {
  const body = JSON.stringify(event);
  try {
    const res = await request(url, { method: 'POST', headers: zoomHeaders(secret, body), body });
    const json = (await res.body.json().catch(() => ({}))) as { code?: string };
    return { status: res.statusCode, code: json.code };
  } catch {
    return { status: 0 };
  }
}
