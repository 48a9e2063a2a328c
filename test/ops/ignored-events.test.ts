import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { zoomHeaders } from '../support/zoom.js';

// Issue 13, item 4: an event type no rule maps is answered 200 ignored, and is counted per source
// and event type (at most 50 per source, the rest "other") and logged at info once per hour each.
let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url });
});

afterAll(async () => {
  await relay.close();
  await hubspot.close();
  temp.remove();
});

async function post(eventType: string, signed = true) {
  const body = JSON.stringify({ event: eventType, event_ts: Date.now(), payload: { object: {} } });
  const headers = signed ? zoomHeaders(ZOOM_SECRET, body) : { 'content-type': 'application/json' };
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers, body });
  return { status: res.statusCode, body: await res.body.json() };
}

const ignoredSamples = async () =>
  (await (await request(`${relay.url}/metrics`)).body.text()).split('\n').filter((l) => l.startsWith('relay_webhooks_ignored_total{'));
const ignoredLogLines = () => relay.logs.filter((l) => String(l.msg).startsWith('webhook ignored: no rule maps its event type'));

describe('ignored event types', () => {
  it('when 55 unmapped event types arrive signed (one of them twice), then 50 are counted by name, the rest as "other", each logged once', async () => {
    const types = Array.from({ length: 55 }, (_, i) => `meeting.unmapped_${String(i).padStart(2, '0')}`);
    for (const type of [...types, types[0] as string]) {
      expect(await post(type)).toEqual({ status: 200, body: { received: true, ignored: true } });
    }

    const samples = await ignoredSamples();
    expect(samples).toHaveLength(51);
    expect(samples).toContain('relay_webhooks_ignored_total{source="zoom",event_type="meeting.unmapped_00"} 2');
    expect(samples).toContain('relay_webhooks_ignored_total{source="zoom",event_type="meeting.unmapped_49"} 1');
    expect(samples).toContain('relay_webhooks_ignored_total{source="zoom",event_type="other"} 5');
    expect(samples.join('\n')).not.toContain('meeting.unmapped_50');

    // One line per source and type within the hour: the repeat of the first type and the later "other"s log nothing more.
    const lines = ignoredLogLines();
    expect(lines).toHaveLength(51);
    expect(lines.every((l) => l.level === 30 && l.sourceId === 'zoom')).toBe(true);
    expect(lines.filter((l) => l.eventType === 'meeting.unmapped_00')).toHaveLength(1);
    expect(lines.filter((l) => l.eventType === 'other')).toHaveLength(1);
  });

  it('when an unsigned webhook names an event type, then it is refused and its event type is neither counted nor logged', async () => {
    const before = { samples: await ignoredSamples(), lines: ignoredLogLines().length };
    expect((await post('meeting.from_an_unsigned_sender', false)).status).toBe(401);
    expect(await ignoredSamples()).toEqual(before.samples);
    expect(ignoredLogLines()).toHaveLength(before.lines);
  });
});
