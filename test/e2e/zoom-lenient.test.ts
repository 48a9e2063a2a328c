import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { relayProcessForTests } from '../support/relay-fixture.js';
import { waitFor } from '../support/wait.js';
import { participantEvent, zoomHeaders } from '../support/zoom.js';

// Issue 13, item 2: Zoom's SDK types make webinar.ended's end_time optional (zoom/rivet-javascript
// meetings/meetings.d.ts, WebinarEndedEvent); such a webhook was answered 400 and lost (Zoom does not
// retry a 4xx). Now it ends the webinar at its event_ts.
const SECRET = 'lenient-zoom-secret-0123456789';
const running = relayProcessForTests({
  sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
  events: [{ source: 'zoom', sourceEventId: '*', hubspot: { externalAccountId: 'acct-1' } }],
});

async function post(body: unknown) {
  const text = JSON.stringify(body);
  const response = await request(`${running.relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, text), body: text });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

describe('a signed Zoom webinar.ended without end_time, through a relay process', () => {
  it('when it arrives after a join, then it is accepted and HubSpot receives one attend that ends at its event_ts', async () => {
    // Times in the past (a time after the webhook's arrival would be replaced by the arrival), on whole seconds.
    const joinedAt = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;
    const endedAt = joinedAt + 40 * 60_000 + 30_000;
    const joined = participantEvent(
      'joined',
      '81234567890',
      { email: 'ada@example.com', userName: 'Ada Lovelace' },
      new Date(joinedAt).toISOString(),
    );
    expect((await post(joined)).status).toBe(200);

    // Shaped like WebinarEndedEvent (test/fixtures/zoom/webinar.ended.no-end_time.json), no end_time.
    const ended = {
      event: 'webinar.ended',
      event_ts: endedAt,
      payload: {
        account_id: 'test-account',
        object: {
          id: '81234567890',
          uuid: 'uuid-81234567890',
          host_id: 'host-1',
          topic: 'Test webinar',
          type: 5,
          start_time: new Date(joinedAt).toISOString(),
          timezone: 'UTC',
          duration: 60,
        },
      },
    };
    const answer = await post(ended);
    expect(answer).toEqual({ status: 200, body: expect.objectContaining({ received: true }) });
    expect(answer.body.ignored).toBeUndefined();

    const attend = await waitFor(() => running.hubspot.attendance().find((row) => row.state === 'attend'), 'the attend at HubSpot');
    expect(attend).toMatchObject({ eventKey: 'external:acct-1:81234567890', email: 'ada@example.com', interactionDateTime: joinedAt });
    expect(attend.properties).toEqual({ joinedAt: new Date(joinedAt).toISOString(), leftAt: new Date(endedAt).toISOString() });
  });
});
