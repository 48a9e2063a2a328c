import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { SIM_CREDENTIALS, startZoomSimulator, type ZoomSimulator } from '../../dev/zoom-simulator/index.js';
import { join } from 'node:path';
import { request } from 'undici';
import { killRelay, runCli, spawnTestRelay, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { endedEvent, participantEvent, registrationEvent } from '../support/zoom.js';
import { ADMIN_TOKEN, RECONCILE_SECRET, doneJob, iso, pastSecond, postZoom, reconcileJobs } from '../support/zoom-reconcile.js';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

// Issue 18: after a webinar ends, the relay reads Zoom's participant report and sends what the
// webhooks missed. Real processes: the relay (dist/src/main.js), the HubSpot and Zoom simulators.
let zoom: ZoomSimulator;
let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess;

const relayConfig = (afterEndMinutes: number) => ({
  admin: { token: ADMIN_TOKEN },
  hubspot: { batchWaitMs: 20 },
  sources: [
    {
      id: 'zoom',
      type: 'zoom',
      secretToken: RECONCILE_SECRET,
      api: { ...SIM_CREDENTIALS, baseUrl: zoom.baseUrl, oauthUrl: zoom.oauthUrl },
      // Shortened for the test: 1.2 s after `ended`; 1.8 s after the scheduled end without one.
      reconcile: { afterEndMinutes, missedEndHours: 0.0005 },
    },
  ],
  events: [{ source: 'zoom', sourceEventId: '*', hubspot: { externalAccountId: 'acct-1' } }],
});

beforeAll(async () => {
  temp = tempDir();
  zoom = await startZoomSimulator();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' }); // events mapped by external id without createEvents
  relay = await spawnTestRelay(temp.dir, hubspot.url, relayConfig(0.02));
});
afterAll(async () => {
  killRelay(relay);
  await hubspot?.close();
  await zoom?.close();
  temp?.remove();
});

const attends = (zoomId: string) => hubspot.attendance().filter((r) => r.state === 'attend' && r.eventKey === `external:acct-1:${zoomId}`);
const row = (email: string, joinedAt: number, leftAt: number, extra: object = {}) => ({
  id: `p-${email}`,
  name: email.split('@')[0],
  user_email: email,
  join_time: iso(joinedAt),
  leave_time: iso(leftAt),
  duration: (leftAt - joinedAt) / 1000,
  ...extra,
});
const instance = (id: string, start: number, participants: object[], registrants: object[] = []) =>
  zoom.addInstance({
    id,
    kind: 'webinar',
    uuid: `uuid-${id}`,
    start_time: iso(start),
    participants: participants as never,
    registrants: registrants as never,
  });
const ended = (id: string, start: number) => postZoom(relay, endedEvent(id, iso(start), iso(start + 60 * 60_000)));

/**
 * A registration whose webinar is scheduled tomorrow: its missed-end check is not due during the test,
 * so the only reconciliation of that webinar is the one its `ended` schedules (whose counts are asserted).
 */
function scheduledTomorrow<T extends { payload: { object: { start_time: string } } }>(body: T): T {
  body.payload.object.start_time = iso(Date.now() + 86_400_000);
  return body;
}

describe('Zoom reconciliation, through a relay process and the Zoom simulator', () => {
  it('when registrations and ended arrived but no join or leave, then HubSpot gets the attends with the report times', async () => {
    const start = pastSecond(3);
    instance(
      '81000000001',
      start,
      [
        row('ada@example.com', start, start + 40 * 60_000),
        row('', start + 60_000, start + 30 * 60_000, { id: 'p-bob', registrant_id: 'r-bob' }),
      ],
      [
        { id: 'r-ada', email: 'ada@example.com', first_name: 'Ada' },
        { id: 'r-bob', email: 'bob@example.com', first_name: 'Bob' },
      ],
    );
    // Registered the day before (a register newer than the attend would make HubSpot's last word "registered").
    const registeredAt = start - 86_400_000;
    expect(
      await postZoom(
        relay,
        scheduledTomorrow(registrationEvent('created', '81000000001', { email: 'ada@example.com', registrantId: 'r-ada' }, registeredAt)),
      ),
    ).toBe(200);
    expect(
      await postZoom(
        relay,
        scheduledTomorrow(registrationEvent('created', '81000000001', { email: 'bob@example.com', registrantId: 'r-bob' }, registeredAt)),
      ),
    ).toBe(200);
    // The registrations are known (delivered) before the end: the reconciliation then finds them, not adds them.
    await waitFor(
      () =>
        hubspot.attendance().filter((r) => r.state === 'register' && r.eventKey === 'external:acct-1:81000000001').length === 2
          ? true
          : undefined,
      'two registers',
    );
    expect(await ended('81000000001', start)).toBe(200);

    const sent = await waitFor(() => (attends('81000000001').length === 2 ? attends('81000000001') : undefined), 'two attends');
    const byEmail = Object.fromEntries(sent.map((a) => [a.email, a.properties]));
    expect(byEmail['ada@example.com']).toEqual({
      joinedAt: new Date(start).toISOString(),
      leftAt: new Date(start + 40 * 60_000).toISOString(),
    });
    // Bob's row has no user_email: his email is the registrant's with the same registrant_id.
    expect(byEmail['bob@example.com']).toEqual({
      joinedAt: new Date(start + 60_000).toISOString(),
      leftAt: new Date(start + 30 * 60_000).toISOString(),
    });
    const { result } = await doneJob(relay, '81000000001');
    expect(result).toMatchObject({ participants: 2, alreadyKnown: 0, withoutEmail: 0, registrants: 0 });
    const report = zoom.state.calls.find((c) => c.path.startsWith('/v2/report/webinars/uuid-81000000001/'));
    expect(report?.query).toMatchObject({ page_size: '300', include_fields: 'registrant_id' });
  });

  it('when the relay received everything, then the reconciliation adds nothing', async () => {
    const start = pastSecond(3);
    const id = '81000000002';
    instance(id, start, [row('cleo@example.com', start, start + 20 * 60_000)]);
    await postZoom(relay, participantEvent('joined', id, { email: 'cleo@example.com' }, iso(start)));
    await postZoom(relay, participantEvent('left', id, { email: 'cleo@example.com' }, iso(start + 20 * 60_000)));
    await ended(id, start);
    const { result } = await doneJob(relay, id);
    expect(result).toMatchObject({ participants: 1, alreadyKnown: 1, added: 0, stored: 0 });
    expect(attends(id)).toHaveLength(1);
  });

  it('when a participant rejoined (two report rows), then one attend goes from the first join to the last leave', async () => {
    const start = pastSecond(3);
    const id = '81000000003';
    instance(id, start, [
      row('dora@example.com', start, start + 10 * 60_000),
      row('dora@example.com', start + 15 * 60_000, start + 50 * 60_000),
    ]);
    await ended(id, start);
    const [attend] = await waitFor(() => (attends(id).length > 0 ? attends(id) : undefined), 'the attend');
    expect(attend?.properties).toEqual({ joinedAt: new Date(start).toISOString(), leftAt: new Date(start + 50 * 60_000).toISOString() });
    await doneJob(relay, id);
    expect(attends(id)).toHaveLength(1);
  });

  it('when Zoom answers 429 once, then the reconciliation waits and succeeds', async () => {
    const start = pastSecond(3);
    const id = '81000000004';
    instance(id, start, [row('eve@example.com', start, start + 5 * 60_000)]);
    zoom.state.faults.rateLimit = { times: 1, retryAfter: '1' };
    await ended(id, start);
    await waitFor(() => attends(id)[0], 'the attend after the 429');
    const calls = zoom.state.calls.filter((c) => c.path.includes(id)).map((c) => c.status);
    expect(calls[0]).toBe(429);
    expect(calls).toContain(200);
  });

  it('when the cached token has expired at Zoom, then a new one is taken and the report read', async () => {
    const start = pastSecond(3);
    const id = '81000000005';
    instance(id, start, [row('finn@example.com', start, start + 5 * 60_000)]);
    const tokensBefore = zoom.state.calls.filter((c) => c.path === '/oauth/token').length;
    zoom.state.expireTokens();
    await ended(id, start);
    await waitFor(() => attends(id)[0], 'the attend with a fresh token');
    expect(zoom.state.calls.filter((c) => c.path === '/oauth/token').length).toBe(tokensBefore + 1);
    expect(zoom.state.calls.some((c) => c.path.includes(id) && c.status === 401)).toBe(true);
  });

  it('when a webinar is never reported ended, then it is reconciled missedEndHours after its scheduled end', async () => {
    const id = '81000000006';
    // registrationEvent schedules the webinar 2026-11-20T15:00Z for 60 minutes: long past.
    instance(
      id,
      Date.parse('2026-11-20T15:00:00Z'),
      [row('gus@example.com', Date.parse('2026-11-20T15:02:00Z'), Date.parse('2026-11-20T15:40:00Z'))],
      [{ id: 'r-gus', email: 'gus@example.com' }],
    );
    const registeredAt = Date.parse('2026-11-19T15:00:00Z');
    await postZoom(relay, registrationEvent('created', id, { email: 'gus@example.com', registrantId: 'r-gus' }, registeredAt));
    const attend = await waitFor(() => attends(id)[0], 'the attend of a webinar never reported ended');
    expect(attend.properties).toEqual({ joinedAt: '2026-11-20T15:02:00.000Z', leftAt: '2026-11-20T15:40:00.000Z' });
    const { job } = await doneJob(relay, id);
    expect(job.reason).toBe('missed-end');
  });

  it('when the report spans three pages, then every row is read', async () => {
    const start = pastSecond(3);
    const id = '81000000007';
    const rows = Array.from({ length: 601 }, (_, i) => row(`p${i}@example.com`, start, start + 30 * 60_000));
    instance(id, start, rows);
    await ended(id, start);
    const { result } = await doneJob(relay, id);
    expect(result).toMatchObject({ participants: 601, added: 1202 });
    const pages = zoom.state.calls.filter((c) => c.path === `/v2/report/webinars/uuid-${id}/participants` && c.status === 200);
    expect(pages).toHaveLength(3);
    expect(pages.filter((p) => p.query.next_page_token)).toHaveLength(2);
    await waitFor(() => attends(id).length === 601 || undefined, '601 attends', 60_000);
  });

  it('when Zoom refuses for a missing scope, then the job is dead with plain words on /status, and a replay runs it', async () => {
    const start = pastSecond(3);
    const id = '81000000009';
    instance(id, start, [row('ida@example.com', start, start + 5 * 60_000)]);
    // Zoom's answer to a token without the scope (Zoom API reference, Error definitions: 400 with code and message).
    zoom.state.faults.refuseAll = { status: 400, code: 4711, message: 'Invalid access token, does not contain scopes:[report:read:admin]' };
    await ended(id, start);
    const dead = await waitFor(
      async () => (await reconcileJobs(relay)).find((j) => j.zoomId === id && j.status === 'dead'),
      'the dead job',
    );
    expect(dead.lastError).toContain('add report:read:admin');
    const status = (await (await request(`${relay.url}/status`, { headers: admin })).body.json()) as { zoomReconciliation?: unknown[] };
    expect(status.zoomReconciliation).toEqual([{ source: 'zoom', problem: expect.stringContaining('lacks a scope') }]);
    // The open probe names it with a code only; delivery to HubSpot is not paused by it.
    const readyz = (await (await request(`${relay.url}/readyz`)).body.json()) as Record<string, unknown>;
    expect(readyz).toMatchObject({ status: 'ready', zoomReconciliation: 'ZOOM_SCOPE_MISSING', delivery: { paused: false } });

    delete zoom.state.faults.refuseAll;
    const replay = await request(`${relay.url}/admin/zoom/reconcile/jobs/${dead.id}/replay`, { method: 'POST', headers: admin });
    expect(await replay.body.json()).toEqual({ replayed: true });
    await waitFor(() => attends(id)[0], 'the attend after the replay');
  });

  it('when an operator asks (admin route, then CLI), then the instance is reconciled now', async () => {
    const start = pastSecond(3);
    const id = '81000000010';
    instance(id, start, [row('jon@example.com', start, start + 5 * 60_000)]);
    const res = await request(`${relay.url}/admin/zoom/reconcile`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ id }),
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ uuid: `uuid-${id}`, participants: 1, added: 2, stored: 2 });
    await waitFor(() => attends(id)[0], 'the attend of the manual run');

    const cli = await runCli(['zoom', 'reconcile', '--id', id, '--config', join(temp.dir, 'relay.yaml')]);
    expect(cli.code).toBe(0);
    // The second run finds everything known: nothing more is stored.
    expect(cli.stdout).toMatch(/done: .*"alreadyKnown":1/);
  });

  it('when all the above ran, then neither the Zoom client secret nor a Zoom access token is in any log line', () => {
    const logs = JSON.stringify(relay.logs);
    expect(logs).toContain('zoom reconciliation done');
    expect(logs).not.toContain(SIM_CREDENTIALS.clientSecret);
    expect(logs).not.toContain('sim-zoom-token-');
  });

  it('when the relay restarts while a job waits, then the job still runs', async () => {
    const start = pastSecond(3);
    const id = '81000000008';
    instance(id, start, [row('hal@example.com', start, start + 5 * 60_000)]);
    killRelay(relay);
    await relay.exited;
    // A longer delay (6 s), so the job surely waits while the relay is killed.
    relay = await spawnTestRelay(temp.dir, hubspot.url, relayConfig(0.1));
    expect(await ended(id, start)).toBe(200);
    killRelay(relay);
    await relay.exited;
    relay = await spawnTestRelay(temp.dir, hubspot.url, relayConfig(0.1));
    await waitFor(() => attends(id)[0], 'the attend after the restart', 30_000);
  });
});
