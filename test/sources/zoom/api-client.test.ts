import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_CREDENTIALS, startZoomSimulator, type ZoomSimulator } from '../../../dev/zoom-simulator/index.js';
import { ZoomApiClient } from '../../../src/sources/zoom/api/client.js';
import { ZoomApiError } from '../../../src/sources/zoom/api/errors.js';

// The Zoom API client against the Zoom simulator on a real port (dev/zoom-simulator/README.md cites Zoom's reference).
let zoom: ZoomSimulator;
let client: ZoomApiClient;
beforeAll(async () => {
  zoom = await startZoomSimulator();
  client = new ZoomApiClient({ ...SIM_CREDENTIALS, baseUrl: zoom.baseUrl, oauthUrl: zoom.oauthUrl });
});
afterAll(async () => zoom?.close());

const row = (email: string) => ({ user_email: email, join_time: '2026-11-20T15:00:00Z', leave_time: '2026-11-20T15:30:00Z' });

describe('ZoomApiClient', () => {
  it('when an instance uuid begins with / and contains //, then the report is found (double-encoded) and one token serves every call', async () => {
    zoom.addInstance({
      id: '91',
      kind: 'meeting',
      uuid: '/ab//cd==',
      start_time: '2026-11-20T15:00:00Z',
      participants: [row('a@example.com')],
      registrants: [],
    });
    const rows = await client.reportParticipants('meeting', '/ab//cd==');
    expect(rows.map((r) => r.user_email)).toEqual(['a@example.com']);
    await client.reportParticipants('meeting', '/ab//cd==');
    expect(zoom.state.calls.filter((c) => c.path === '/oauth/token')).toHaveLength(1);
  });

  it('when the report is not generated yet, then the error says not-ready (404), and the next call reads it', async () => {
    zoom.addInstance({
      id: '92',
      kind: 'webinar',
      uuid: 'u-92',
      start_time: '2026-11-20T15:00:00Z',
      participants: [row('b@example.com')],
      registrants: [],
      notReadyTimes: 1,
    });
    const error = await client.reportParticipants('webinar', 'u-92').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ kind: 'not-ready', status: 404 });
    expect(await client.reportParticipants('webinar', 'u-92')).toHaveLength(1);
  });

  it('when a daily limit answers 429 with a date-time Retry-After, then the wait runs until that time', async () => {
    zoom.addInstance({ id: '93', kind: 'webinar', uuid: 'u-93', start_time: '2026-11-20T15:00:00Z', participants: [], registrants: [] });
    const resumeAt = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    zoom.state.faults.rateLimit = { times: 1, retryAfter: resumeAt };
    const error = (await client.reportParticipants('webinar', 'u-93').catch((e: unknown) => e)) as ZoomApiError;
    expect(error.kind).toBe('rate-limit');
    expect(error.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('when the client secret is wrong, then the token request is refused with the reason Zoom gives and no secret in the message', async () => {
    const wrong = new ZoomApiClient({
      ...SIM_CREDENTIALS,
      clientSecret: 'not-the-secret-0123456789',
      baseUrl: zoom.baseUrl,
      oauthUrl: zoom.oauthUrl,
    });
    const error = (await wrong.registrants('webinar', '93').catch((e: unknown) => e)) as ZoomApiError;
    expect(error.kind).toBe('refused');
    expect(error.message).toContain('Invalid client_id or client_secret');
    expect(error.message).not.toContain('not-the-secret');
  });
});
