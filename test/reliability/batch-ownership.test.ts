import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, getLink, hubspotSdk, input, KIOSK_TOKEN } from '../hubspot-compat/hubspot-sdk.js';
import { relayForTests } from '../support/relay-fixture.js';
import { waitFor } from '../support/wait.js';

// Issue 12, item 3: batch ids were sequential and GET /intake/batches/{id} checked only that the
// id was an intake batch, so one intake token read another's batches (emails and HubSpot ids).
const running = relayForTests({ intake: { tokens: [KIOSK_TOKEN, CRM_TOKEN] } });

/** An answer without what differs on every call (the correlation id). */
const shape = (answer: { status: number; body: Record<string, unknown> }) => ({
  status: answer.status,
  body: { ...answer.body, correlationId: undefined },
});

describe('a batch belongs to the intake token that stored it', () => {
  it('when another token reads a batch, by its link or by any guess, then it gets 404 OBJECT_NOT_FOUND exactly as for an id that does not exist', async () => {
    const kiosk = hubspotSdk(running.relay.url, KIOSK_TOKEN);
    const crm = hubspotSdk(running.relay.url, CRM_TOKEN);
    const answer = await kiosk.marketing.events.addEventAttendeesApi.recordByEmail('5123456', 'register', {
      inputs: [input('private.kiosk@example.com')],
    });
    const link = answer.links?.status as string;
    await waitFor(async () => (await getLink(kiosk, link)).body.status === 'COMPLETE', 'the batch COMPLETE for its own token');

    const foreign = await getLink(crm, link);
    expect(JSON.stringify(foreign.body)).not.toContain('private.kiosk');
    expect(foreign.status).toBe(404);
    const missing = shape(await getLink(crm, '/intake/batches/AAAAAAAAAAAAAAAAAAAAAA'));
    expect(missing).toEqual({
      status: 404,
      body: { status: 'error', message: 'No intake batch with this id', category: 'OBJECT_NOT_FOUND', correlationId: undefined },
    });
    expect(shape(foreign)).toEqual(missing);
    // The ids of old were the row ids: 1, 2, … — any such guess is not found either.
    for (const guess of ['1', '2', link.split('/').pop()?.replace(/^./, 'B') ?? ''])
      expect(shape(await getLink(crm, `/intake/batches/${guess}`))).toEqual(missing);
  });
});
