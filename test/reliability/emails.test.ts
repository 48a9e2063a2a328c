import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { queryDb } from '../support/db.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

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

async function register(registrant: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const event = registrationEvent('created', '2024', { email: 'placeholder@example.com' });
  Object.assign(event.payload.object.registrant, registrant);
  const body = JSON.stringify(event);
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('emails and property values', () => {
  it('when emails are mixed case, padded or Unicode, then HubSpot receives them trimmed and lower-cased', async () => {
    const cases = {
      '  Mixed.Case@Example.COM ': 'mixed.case@example.com',
      'Jöhn.Dœ@Exämple.org': 'jöhn.dœ@exämple.org',
      '\tTAB@example.com\n': 'tab@example.com',
    };
    for (const raw of Object.keys(cases)) expect((await register({ email: raw })).status).toBe(200);
    await waitFor(() => Object.values(cases).every((e) => hubspot.attendance().some((r) => r.email === e)), 'all three at HubSpot');
  });

  it('when an email is invalid, then the webhook is acknowledged, nothing is sent, and the skip is logged', async () => {
    for (const email of ['not-an-email', 'a@b', '@example.com', 'two words@example.com', '']) {
      expect((await register({ email })).status).toBe(200);
    }
    await register({ email: 'after-the-invalid@example.com' });
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'after-the-invalid@example.com'), 'the valid one delivered');
    const sent = hubspot.attendance().map((r) => r.email);
    expect(sent.some((e) => e.includes('not-an-email') || e === 'a@b' || e.startsWith('@'))).toBe(false);
    expect(relay.logs.filter((l) => String(l.msg).startsWith('attendance fact without a valid email')).length).toBe(5);
  });

  it('when property values are numbers, nulls or very long, then they arrive as strings (or are left out when null)', async () => {
    const long = 'L'.repeat(5000);
    expect((await register({ email: 'values@example.com', first_name: 42, last_name: null, phone: 5551234, org: long })).status).toBe(200);
    const row = await waitFor(() => hubspot.attendance().find((r) => r.email === 'values@example.com'), 'the registration');
    expect(row.contactProperties).toEqual({ firstname: '42', phone: '5551234', company: long });
  });

  it('when a property value has the wrong type (an object), then the webhook is parked (200) with a reason naming it, and nothing is sent', async () => {
    const res = await register({ email: 'object@example.com', first_name: { nested: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: true, parked: true });
    const [row] = queryDb<{ parked_reason: string }>(relay.dbFile, 'SELECT parked_reason FROM inbox WHERE id = ?', res.body.id);
    expect(row?.parked_reason).toContain('first_name');
    expect(hubspot.attendance().map((r) => r.email)).not.toContain('object@example.com');
  });
});
