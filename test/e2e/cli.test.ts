import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAIN_JS, spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess | undefined;

/** Runs the CLI to completion. */
function run(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], { cwd: options.cwd, env: { PATH: process.env.PATH, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeEach(() => {
  temp = tempDir();
});
afterEach(async () => {
  if (relay && relay.child.exitCode === null) {
    relay.child.kill('SIGTERM');
    await relay.exited;
  }
  temp.remove();
});

describe('attendance-relay serve: configuration', () => {
  it('when the config has a bad value, then it exits non-zero naming the key and why', async () => {
    const file = writeConfig(temp.dir, {
      hubspot: { batchSize: 500, accessToken: 'x' },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: '${ZOOM_SECRET_NOT_SET}' }],
    });
    const result = await run(['serve', '--config', file], { cwd: temp.dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('hubspot.batchSize');
    expect(result.stderr).toContain('sources[0].secretToken');
    expect(result.stderr).toContain('ZOOM_SECRET_NOT_SET');
  });

  it('when NODE_ENV=production and no token is set, then it refuses to start', async () => {
    const result = await run(['serve'], { cwd: temp.dir, env: { NODE_ENV: 'production' } });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('hubspot.accessToken');
  });

  it('when CONFIG_FILE and PORT are set, then they are used', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 1 },
      store: { url: `sqlite:${temp.dir}/r.db` },
      hubspot: { accessToken: 'x', baseUrl: 'http://127.0.0.1:9' },
    });
    relay = await spawnRelay(['serve'], { cwd: temp.dir, env: { CONFIG_FILE: file, PORT: '0' } });
    expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.url.endsWith(':1')).toBe(false);
  });
});

describe('sandbox: no config, no token', () => {
  it('when started bare, then a loud banner explains it and a signed sample reaches the built-in simulator', async () => {
    relay = await spawnRelay(['serve'], { cwd: temp.dir, env: { PORT: '0', HOST: '127.0.0.1' } });
    const banner = await waitFor(() => relay!.stderr.join('').includes('SANDBOX MODE') && relay!.stderr.join(''), 'the banner');
    expect(banner).toContain('Zoom secret token:');
    expect(banner).toContain(`${relay.url.replace('127.0.0.1', 'localhost')}/webhooks/zoom`);

    const sample = await run(['send-sample', '--url', `${relay.url}/webhooks/zoom`], { cwd: temp.dir });
    expect(sample.code).toBe(0);
    expect(sample.stdout).toContain('webinar.participant_left → 200');
    const calls = await waitFor(() => {
      const ok = relay!.logs.filter((l) => l.msg === 'hubspot attendance call' && l.outcome === 'ok');
      return ok.length >= 2 ? ok : undefined;
    }, 'register and attend delivered to the simulator');
    expect(calls.map((c) => c.state)).toEqual(['register', 'attend']);
    expect(JSON.stringify(relay.logs)).not.toContain('ada.lovelace@example.com');
  });
});
