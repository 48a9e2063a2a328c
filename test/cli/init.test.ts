import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { READ_SCOPE } from '../../dev/hubspot-simulator/event-read-routes.js';
import { loadConfig } from '../../src/config/load.js';
import { runBuiltCli, runDoctorJson } from '../support/cli-run.js';
import { tempDir } from '../support/temp.js';

// Needs `npm run build`: init and doctor run as the built CLI in child processes.
const temp = tempDir('relay-init-');
let sim: HubspotSimulator;

/** A value for each variable init names (the Luma one in Standard Webhooks' whsec_<base64> form). */
const SECRETS: NodeJS.ProcessEnv = {
  HUBSPOT_ACCESS_TOKEN: 'init-test-hubspot-token',
  ZOOM_WEBHOOK_SECRET_TOKEN: 'zoom-secret-token-of-32-chars-ok',
  EVENTBRITE_WEBHOOK_TOKEN: 'eventbrite-webhook-token-32-char',
  EVENTBRITE_API_TOKEN: 'eventbrite-api-token',
  TITO_WEBHOOK_SECRET: 'tito-secret-of-at-least-16',
  LUMA_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  LIVESTORM_WEBHOOK_SECRET: 'livestorm-secret-of-16-plus',
  GENERIC_WEBHOOK_TOKEN: 'generic-bearer-token-of-16-plus',
};

beforeAll(async () => {
  sim = await startHubspotSimulator({ tokens: { [SECRETS.HUBSPOT_ACCESS_TOKEN as string]: { scopes: [WRITE_SCOPE, READ_SCOPE] } } });
});
afterAll(async () => {
  await sim.close();
  temp.remove();
});

describe('attendance-relay init', () => {
  it("--yes with every platform writes a file with no secret in it, which today's loader loads; prints the variables and each webhook URL", async () => {
    const out = join(temp.dir, 'all.yaml');
    const run = await runBuiltCli([
      'init',
      '--yes',
      '--out',
      out,
      '--platform',
      'zoom,eventbrite',
      '--platform',
      'tito',
      '--platform',
      'luma,livestorm,generic',
      '--public-url',
      'https://relay.example.org',
    ]);
    expect(run.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    for (const name of Object.keys(SECRETS)) expect(text).toContain(`\${${name}}`);
    expect(text).toMatch(/^# /); // commented

    const config = loadConfig({ file: out, env: SECRETS });
    expect(config.sources.map((s) => s.type)).toEqual(['zoom', 'eventbrite', 'tito', 'luma', 'livestorm', 'generic']);
    expect(config.hubspot.accessToken).toBe(SECRETS.HUBSPOT_ACCESS_TOKEN);
    expect(config.events).toHaveLength(6);

    for (const name of Object.keys(SECRETS)) expect(run.stdout).toContain(name);
    expect(run.stdout).toContain('https://relay.example.org/webhooks/zoom');
    expect(run.stdout).toContain('webinar.participant_joined');
    expect(run.stdout).toContain('https://relay.example.org/webhooks/eventbrite?token=<the value of EVENTBRITE_WEBHOOK_TOKEN>');
    expect(run.stdout).toContain('attendee.checked_in');
    expect(run.stdout).toMatch(/doctor --config .*all\.yaml/);
  });

  it('refuses to overwrite an existing file without --force (exit 1, file untouched); --force overwrites', async () => {
    const out = join(temp.dir, 'existing.yaml');
    writeFileSync(out, 'mine: true\n');
    const refused = await runBuiltCli(['init', '--yes', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('mine: true\n');
    const forced = await runBuiltCli([
      'init',
      '--yes',
      '--force',
      '--out',
      out,
      '--store',
      'postgres',
      '--hubspot-token-env',
      'MY_HUBSPOT_TOKEN',
    ]);
    expect(forced.code).toBe(0);
    // (Without HUBSPOT_ACCESS_TOKEN: that variable overrides hubspot.accessToken whatever the file says.)
    const { HUBSPOT_ACCESS_TOKEN: _overrides, ...others } = SECRETS;
    const config = loadConfig({
      file: out,
      env: { ...others, MY_HUBSPOT_TOKEN: 'another-token', RELAY_DATABASE_URL: 'postgres://u:p@db:5432/relay' },
    });
    expect(config.store.url).toBe('postgres://u:p@db:5432/relay');
    expect(config.hubspot.accessToken).toBe('another-token');
  });

  it('refuses an unknown platform or store with usage (exit 2) and writes nothing', async () => {
    const out = join(temp.dir, 'never.yaml');
    expect((await runBuiltCli(['init', '--yes', '--out', out, '--platform', 'zoom,meetup'])).code).toBe(2);
    expect((await runBuiltCli(['init', '--yes', '--out', out, '--store', 'postgres://u:secret@db/relay'])).code).toBe(2);
    expect(() => readFileSync(out)).toThrow();
  });

  it('init --yes, then doctor on the file it wrote: green once the variables it names are set', async () => {
    const out = join(temp.dir, 'relay.yaml');
    expect((await runBuiltCli(['init', '--yes', '--out', out, '--platform', 'zoom,tito'], { cwd: temp.dir })).code).toBe(0);
    const { HUBSPOT_ACCESS_TOKEN: _unset, ...withoutToken } = SECRETS;
    const first = await runDoctorJson(out, { ...withoutToken, HUBSPOT_BASE_URL: sim.url });
    expect(first.code).toBe(1);
    expect(first.checks).toContainEqual(
      expect.objectContaining({
        status: 'fail',
        message: expect.stringContaining('uses ${HUBSPOT_ACCESS_TOKEN}, which is not set'),
        fix: 'Set HUBSPOT_ACCESS_TOKEN to the HubSpot token.',
      }),
    );
    const { code, checks } = await runDoctorJson(out, { ...SECRETS, HUBSPOT_BASE_URL: sim.url });
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(code).toBe(0);
    expect(checks.find((c) => /accepts the token/.test(c.message))?.status).toBe('ok');
    expect(checks.find((c) => /admin\.token is unset/.test(c.message))?.status).toBe('warn');
  });
});
