import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent } from '../support/zoom.js';
import { COMPOSE, docker, exec, postZoom, RUN_ID, waitHealthy } from './docker.js';

// Compose's own project label marks what it makes; run.sh removes that too if `down` never runs.
const project = `${RUN_ID}-compose`;
let relayPort = 0;
const compose = (...args: string[]) =>
  exec(COMPOSE[0] as string, [...COMPOSE.slice(1), '--project-name', project, '--file', 'docker-compose.yml', ...args], {
    env: { RELAY_PORT: String(relayPort) },
  });
const service = async (name: string) => (await compose('ps', '-q', name)).stdout;

afterAll(async () => {
  const down = await compose('down', '--volumes', '--remove-orphans', '--timeout', '20');
  expect(down.code, down.stderr).toBe(0);
});

describe('check 6: the compose demo', () => {
  it('when validated by Compose itself, then `config` accepts it', async () => {
    const config = await compose('config', '--quiet');
    expect(config.stderr).toBe('');
    expect(config.code).toBe(0);
  });

  it('when brought up, then the relay on PostgreSQL becomes healthy and a signed Zoom webhook is stored in PostgreSQL and reaches the simulator', async () => {
    relayPort = await freePort();
    const up = await compose('up', '--detach', '--no-build');
    expect(up.code, up.stderr).toBe(0);
    await waitHealthy(await service('relay'), 90_000);

    const person = { email: 'ada.lovelace@example.com', firstName: 'Ada' };
    const answer = await postZoom(
      `http://127.0.0.1:${relayPort}/webhooks/zoom`,
      'demo-only-zoom-secret-token',
      registrationEvent('created', '81234567890', person),
    );
    expect(answer).toEqual({ status: 200 });

    const stored = await docker(
      'exec',
      await service('postgres'),
      'psql',
      '-U',
      'relay',
      '-d',
      'relay',
      '-At',
      '-c',
      'SELECT count(*) FROM inbox',
    );
    expect(stored).toBe('1');
    const simulator = await service('hubspot-simulator');
    const rows = await waitFor(
      async () => {
        const got = await docker(
          'exec',
          simulator,
          'node',
          '-e',
          "fetch('http://127.0.0.1:4010/_simulator/attendance').then((r) => r.text()).then((t) => process.stdout.write(t))",
        );
        const parsed = JSON.parse(got) as Array<{ eventKey: string; state: string; email: string }>;
        return parsed.length > 0 ? parsed : undefined;
      },
      'the registration at the simulator',
      30_000,
      250,
    );
    expect(rows.map((r) => `${r.eventKey} ${r.state} ${r.email}`)).toEqual(['external:demo:81234567890 register ada.lovelace@example.com']);
  });
});
