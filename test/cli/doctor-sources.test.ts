import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { runDoctorJson, type DoctorLine } from '../support/cli-run.js';
import { writeConfig } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { startEventbriteSimulator, type EventbriteSimulator } from '../simulators/eventbrite/index.js';

// Needs `npm run build`: doctor runs as the built CLI against both simulators on real ports.
const temp = tempDir('relay-doctor-sources-');
const HUBSPOT_TOKEN = 'doctor-sources-hubspot-token';
const EB_TOKEN = 'doctor-eventbrite-token';
let hubspot: HubspotSimulator;
let eventbrite: EventbriteSimulator;

beforeAll(async () => {
  hubspot = await startHubspotSimulator({ tokens: { [HUBSPOT_TOKEN]: { scopes: [WRITE_SCOPE] } } });
  eventbrite = await startEventbriteSimulator({ tokens: [EB_TOKEN] });
  eventbrite.addEvent({ id: '717926867587', name: 'Relay meetup', start: '2026-11-20T15:00:00Z', end: '2026-11-20T17:00:00Z' });
});
afterAll(async () => {
  await Promise.all([hubspot.close(), eventbrite.close()]);
  temp.remove();
});

function eventbriteConfig(apiToken: string, eventIds: string[], name: string): string {
  return writeConfig(
    temp.dir,
    {
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: HUBSPOT_TOKEN },
      admin: { token: 'an-admin-token-of-32-characters!' },
      sources: [
        { id: 'eb', type: 'eventbrite', webhookToken: 'eventbrite-webhook-token-32-char', apiToken, apiBaseUrl: eventbrite.apiBaseUrl },
      ],
      events: eventIds.map((id) => ({ source: 'eb', sourceEventId: id, hubspot: { externalAccountId: 'eb' } })),
    },
    name,
  );
}
const sourceLines = (checks: DoctorLine[]) => checks.filter((c) => c.group === 'sources');

describe('doctor: sources', () => {
  it('Eventbrite: the token is accepted (/users/me/) and sees the mapped event; the webhook token is strong enough', async () => {
    const { code, checks } = await runDoctorJson(eventbriteConfig(EB_TOKEN, ['717926867587'], 'eb-good.yaml'));
    expect(code).toBe(0);
    expect(sourceLines(checks)).toEqual([
      expect.objectContaining({ status: 'ok', message: 'eb: webhookToken meet the minimum strength' }),
      expect.objectContaining({ status: 'ok', message: expect.stringContaining('eb: Eventbrite accepts apiToken') }),
      expect.objectContaining({ status: 'ok', message: 'eb: event 717926867587 is visible ("Relay meetup")' }),
    ]);
    expect(eventbrite.calls().map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v3/users/me/', 'GET /v3/events/717926867587/']);
  });

  it('Eventbrite: a mapped event the token cannot see, and a refused token, are ✗ with their fix', async () => {
    const unseen = await runDoctorJson(eventbriteConfig(EB_TOKEN, ['111'], 'eb-unseen.yaml'));
    expect(unseen.code).toBe(1);
    expect(sourceLines(unseen.checks)).toContainEqual(
      expect.objectContaining({ status: 'fail', message: 'eb: event 111 is not visible to apiToken (HTTP 404)', fix: expect.any(String) }),
    );
    const refused = await runDoctorJson(eventbriteConfig('not-the-token', ['717926867587'], 'eb-refused.yaml'));
    expect(refused.code).toBe(1);
    expect(sourceLines(refused.checks)).toContainEqual(
      expect.objectContaining({ status: 'fail', message: 'eb: Eventbrite refused apiToken (HTTP 401)', fix: expect.any(String) }),
    );
  });
});

describe('doctor: warnings', () => {
  it('http: base URL, admin token unset, retentionDays shorter than a replay window: ! lines, exit 0', async () => {
    const file = writeConfig(
      temp.dir,
      {
        store: { url: `sqlite:${temp.dir}/relay.db`, retentionDays: 0.05 },
        hubspot: { baseUrl: hubspot.url, accessToken: HUBSPOT_TOKEN },
        sources: [{ id: 'zoom', type: 'zoom', secretToken: 'a-zoom-secret-of-32-characters!!' }],
      },
      'warnings.yaml',
    );
    const { code, checks } = await runDoctorJson(file);
    expect(code).toBe(0);
    const warnings = checks.filter((c) => c.group === 'warnings').map((c) => c.message);
    expect(warnings).toEqual([
      expect.stringContaining('hubspot.baseUrl is plain http'),
      expect.stringContaining('admin.token is unset'),
      expect.stringContaining("store.retentionDays (0.05) is shorter than zoom's replay window (1.5 h)"),
      expect.stringContaining('hubspot.apiVersion is v3: HubSpot stops supporting numbered versions in September 2027'),
    ]);
  });

  it('sandbox mode (no HubSpot token): a warning, and no HubSpot check', async () => {
    const file = writeConfig(
      temp.dir,
      {
        store: { url: `sqlite:${temp.dir}/relay.db` },
        sources: [{ id: 'zoom', type: 'zoom', secretToken: 'a-zoom-secret-of-32-characters!!' }],
      },
      'sandbox.yaml',
    );
    const { code, checks } = await runDoctorJson(file);
    expect(code).toBe(0);
    expect(checks.filter((c) => c.group === 'hubspot')).toEqual([]);
    expect(checks).toContainEqual(
      expect.objectContaining({ status: 'warn', group: 'warnings', message: expect.stringContaining('sandbox mode') }),
    );
  });
});
