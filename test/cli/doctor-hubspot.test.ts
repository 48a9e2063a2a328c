import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { READ_SCOPE } from '../../dev/hubspot-simulator/event-read-routes.js';
import { runBuiltCli, runDoctorJson, type DoctorLine } from '../support/cli-run.js';
import { writeConfig } from '../support/process.js';
import { tempDir } from '../support/temp.js';

// Needs `npm run build`: doctor runs as the built CLI in a child process, against the simulator on a real port.
const TOKEN = 'doctor-test-token';
const ZOOM_SECRET = 'a-zoom-secret-of-32-characters!!';
let sim: HubspotSimulator;
const temp = tempDir('relay-doctor-');

function config(overrides: { hubspot?: object; events?: object[] } = {}): string {
  return writeConfig(temp.dir, {
    store: { url: `sqlite:${temp.dir}/relay.db` },
    hubspot: { baseUrl: sim.url, accessToken: TOKEN, requestsPerTenSeconds: 100, ...overrides.hubspot },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }],
    events: overrides.events ?? [{ source: 'zoom', sourceEventId: '81234567890', hubspot: { objectId: '5123456' } }],
  });
}

const line = (checks: DoctorLine[], pattern: RegExp) => checks.find((c) => pattern.test(c.message));

beforeAll(async () => {
  sim = await startHubspotSimulator();
  sim.portal.hubId = 7_654_321;
  sim.portal.addMarketingEvent({ objectId: '5123456', eventName: 'Webinar: relay launch' });
});
afterAll(async () => {
  await sim.close();
  temp.remove();
});
beforeEach(() => {
  sim.setTokens({ [TOKEN]: { scopes: [WRITE_SCOPE, READ_SCOPE] } });
  sim.setRateLimit({ max: 100, intervalMs: 10_000 });
});

describe('doctor against the HubSpot simulator', () => {
  it('a good token: accepted, scoped, portal printed, the mapped event named, the limit within; exit 0 and nothing sent', async () => {
    const { code, checks } = await runDoctorJson(config());
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(code).toBe(0);
    expect(line(checks, /accepts the token/)?.status).toBe('ok');
    expect(line(checks, new RegExp(`has ${WRITE_SCOPE}`))?.status).toBe('ok');
    expect(line(checks, /portal \(hub id\) 7654321/)?.status).toBe('ok');
    expect(line(checks, /objectId 5123456 is "Webinar: relay launch"/)?.status).toBe('ok');
    expect(line(checks, /within HubSpot's limit \(100 per 10 s\)/)?.status).toBe('ok');
    // Read-only: no attendance call reached the simulator, only the token read and the event read.
    expect(sim.requests()).toEqual([]);
    expect(new Set(sim.portal.reads().map((r) => r.method))).not.toContain('DELETE');
  });

  it('a revoked token (401 from both token endpoints): ✗ followed by its fix in one sentence, exit 1', async () => {
    sim.setTokens({});
    const run = await runBuiltCli(['doctor', '--config', config()]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    const failed = lines.findIndex((l) => l.startsWith('✗ hubspot: HubSpot refused the token (HTTP 401'));
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(lines[failed + 1]).toMatch(/^ {4}fix: Create a Service Key .+ to it\.$/);
    expect(lines.some((l) => l.startsWith('✔ config: '))).toBe(true);
    expect(lines.at(-1)).toMatch(/passed, 1 failed/);
  });

  it('a token without the write scope: ✗ naming the scope', async () => {
    sim.setTokens({ [TOKEN]: { scopes: [READ_SCOPE] } });
    const { code, checks } = await runDoctorJson(config());
    expect(code).toBe(1);
    expect(line(checks, new RegExp(`lacks ${WRITE_SCOPE}`))).toMatchObject({ status: 'fail', fix: expect.stringContaining(WRITE_SCOPE) });
  });

  it('a token without the read scope: the objectIds are not checked (!), not failed', async () => {
    sim.setTokens({ [TOKEN]: { scopes: [WRITE_SCOPE] } });
    const { code, checks } = await runDoctorJson(config());
    expect(code).toBe(0);
    expect(line(checks, new RegExp(`not checked: the token lacks ${READ_SCOPE}`))?.status).toBe('warn');
  });

  it('an unknown objectId: ✗ with the portal named', async () => {
    const events = [{ source: 'zoom', sourceEventId: '81234567891', hubspot: { objectId: '999' } }];
    const { code, checks } = await runDoctorJson(config({ events }));
    expect(code).toBe(1);
    expect(line(checks, /objectId 999: no marketing event in portal 7654321/)).toMatchObject({ status: 'fail', fix: expect.any(String) });
  });

  it('a portal limit below the configured requestsPerTenSeconds: ✗ saying how far to lower it', async () => {
    sim.setRateLimit({ max: 50, intervalMs: 10_000 });
    const { code, checks } = await runDoctorJson(config());
    expect(code).toBe(1);
    expect(line(checks, /requestsPerTenSeconds is 100, above HubSpot's limit of 50/)).toMatchObject({
      status: 'fail',
      fix: 'Set hubspot.requestsPerTenSeconds to 50 or less.',
    });
  });

  it("an invalid configuration: today's problems, one ✗ each, and nothing else is checked", async () => {
    const file = writeConfig(
      temp.dir,
      { hubspot: { baseUrl: sim.url, accessToken: TOKEN }, sources: [{ id: 'zoom', type: 'zoom', secretToken: 'short' }] },
      'bad.yaml',
    );
    const readsBefore = sim.portal.reads().length;
    const { code, checks } = await runDoctorJson(file);
    expect(code).toBe(1);
    expect(checks).toEqual([
      expect.objectContaining({ status: 'fail', group: 'config', message: expect.stringContaining('sources[0].secretToken') }),
    ]);
    expect(sim.portal.reads()).toHaveLength(readsBefore);
  });
});
