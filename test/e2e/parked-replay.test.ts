import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { queryDb } from '../support/db.js';
import { relayConfig, runCli, writeConfig } from '../support/process.js';
import { relayProcessForTests } from '../support/relay-fixture.js';
import { waitFor } from '../support/wait.js';
import { standardWebhooksHeaders } from '../sources/generic/support.js';

// Issue 13, item 1: a verified webhook its source cannot read is kept (parked) and answered 200;
// after the mapping is fixed in the configuration file (SIGHUP) a replay reads it again.
const SECRET = 'whsec_cmVsYXktdGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=';
const ADMIN_TOKEN = 'admin-token-for-the-parked-tests-0123';
const source = (eventIdPath: string) => ({
  id: 'checkin',
  type: 'generic',
  verify: { scheme: 'standard-webhooks', secret: SECRET },
  map: {
    eventType: 'type',
    states: { 'guest.registered': 'register' },
    email: 'data.email',
    occurredAt: 'data.created_at',
    sourceEventId: eventIdPath,
  },
});
const config = (eventIdPath: string) => ({
  admin: { token: ADMIN_TOKEN },
  sources: [source(eventIdPath)],
  events: [{ source: 'checkin', sourceEventId: '*', hubspot: { objectId: '7070' } }],
});
// The mapping looks for the event id where the platform does not put it.
const running = relayProcessForTests(config('data.event'));

async function call(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await request(running.relay.url + path, { method, headers, body });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}
const admin = (method: 'GET' | 'POST', path: string, body?: unknown) =>
  call(method, path, body === undefined ? undefined : JSON.stringify(body), {
    authorization: `Bearer ${ADMIN_TOKEN}`,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  });
const inboxRows = () =>
  queryDb<{ id: number; parked_reason: string | null }>(`${running.dir}/relay.db`, 'SELECT id, parked_reason FROM inbox');

const registration = JSON.stringify({
  type: 'guest.registered',
  data: { email: 'parked@example.com', created_at: '2026-11-01T09:00:00Z', event_id: 'conf-2026' },
});

describe('a verified webhook the mapping cannot read, through a relay process', () => {
  it('when it arrives signed, then it is parked (200) with the reason, listed, counted, logged once, and a retry is the same row', async () => {
    const headers = standardWebhooksHeaders(SECRET, registration, { id: 'msg_parked_1' });
    const answer = await call('POST', '/webhooks/checkin', registration, headers);
    expect(answer).toEqual({ status: 200, body: { received: true, id: expect.any(Number), duplicate: false, parked: true } });
    const retry = await call('POST', '/webhooks/checkin', registration, headers);
    expect(retry.body).toMatchObject({ id: answer.body.id, duplicate: true, parked: true });

    const listed = await admin('GET', '/admin/webhooks?state=parked');
    expect(listed.body.webhooks).toEqual([
      {
        id: answer.body.id,
        source: 'checkin',
        receivedAt: expect.any(String),
        state: 'parked',
        reason: expect.stringMatching(/^generic source "checkin": map\.sourceEventId \(data\.event\) has no value/),
      },
    ]);
    const metrics = await (await request(`${running.relay.url}/metrics`)).body.text();
    expect(metrics).toContain('relay_webhooks_total{source="checkin",outcome="parked",reason=""} 1');
    expect(metrics).toMatch(/^relay_webhooks_parked 1$/m);
    expect((await admin('GET', '/status')).body.webhooks).toMatchObject({ parked: 1 });
    const parkedLines = running.relay.logs.filter((l) => String(l.msg).startsWith('verified webhook its source cannot read'));
    expect(parkedLines).toEqual([expect.objectContaining({ level: 40, sourceId: 'checkin', webhookId: answer.body.id })]);
  });

  it('when the CLI lists parked webhooks, then it shows the one with its reason', async () => {
    const cli = await runCli(['webhooks', 'list', '--state', 'parked', '--json', '--config', `${running.dir}/relay.yaml`]);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual([
      expect.objectContaining({ sourceId: 'checkin', why: expect.stringContaining('map.sourceEventId (data.event) has no value') }),
    ]);
  });

  it('when it arrives unsigned, then 401 and nothing more is stored', async () => {
    const before = inboxRows().length;
    const unsigned = await call('POST', '/webhooks/checkin', registration, { 'content-type': 'application/json' });
    expect(unsigned).toMatchObject({ status: 401, body: { code: 'SIGNATURE_MISSING' } });
    expect(inboxRows()).toHaveLength(before);
  });

  it('when replayed before the mapping is fixed, then it stays parked with its reason', async () => {
    expect((await admin('POST', '/admin/webhooks/replay', { ids: 'all', state: 'parked' })).body).toEqual({ replayed: 0, stillParked: 1 });
    expect(inboxRows()).toEqual([{ id: expect.any(Number), parked_reason: expect.stringContaining('map.sourceEventId (data.event)') }]);
  });

  it('when the mapping is fixed in the file, SIGHUP reloads it and a replay runs, then the webhook reaches HubSpot', async () => {
    writeConfig(running.dir, relayConfig(running.dir, running.hubspot.url, config('data.event_id')));
    running.relay.child.kill('SIGHUP');
    const reloaded = await waitFor(() => running.relay.logs.find((l) => l.msg === 'configuration reloaded'), 'the reload');
    expect(reloaded).toMatchObject({ applied: ['sources'], needsRestart: [] });

    const replay = await admin('POST', '/admin/webhooks/replay', { ids: 'all' });
    expect(replay).toEqual({ status: 200, body: { replayed: 1, stillParked: 0 } });
    const row = await waitFor(
      () => running.hubspot.attendance().find((r) => r.email === 'parked@example.com'),
      'the registration at HubSpot',
    );
    expect(row).toMatchObject({ state: 'register' });
    expect((await admin('GET', '/admin/webhooks?state=parked')).body.webhooks).toEqual([]);
    expect(inboxRows()).toEqual([{ id: expect.any(Number), parked_reason: null }]);
  });
});
