import { Ajv } from 'ajv';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import specV3 from '../../dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json' with { type: 'json' };
import spec202609 from '../../dev/hubspot-simulator/spec/hubspot-marketing-events-2026-09.json' with { type: 'json' };
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { specSchema, type SpecVersion } from '../../dev/hubspot-simulator/spec-schema.js';
import { attendancePath, marketingEventsBase, type HubspotApiVersion } from '../../src/hubspot/api-paths.js';
import { HubspotClient } from '../../src/hubspot/client.js';
import type { HubspotEventRef } from '../../src/hubspot/types.js';

/** Each API version with HubSpot's own spec of it (dev/hubspot-simulator/spec/README.md says where they come from). */
const VERSIONS: Array<{ version: HubspotApiVersion & SpecVersion; paths: Record<string, unknown> }> = [
  { version: 'v3', paths: specV3.paths },
  { version: '2026-09', paths: spec202609.paths },
];
const EVENTS: HubspotEventRef[] = [{ objectId: '4711' }, { externalAccountId: 'acct-1', externalEventId: 'webinar-9' }];

/** Whether a concrete path (no query) matches one of the spec's `post` path templates. */
function specHasPost(paths: Record<string, unknown>, path: string): boolean {
  return Object.entries(paths).some(([template, operations]) => {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(path) && typeof operations === 'object' && operations !== null && 'post' in operations;
  });
}

/** A schema without some keywords (e.g. `description`, prose HubSpot reworded between versions). */
function withoutKeys(schema: unknown, keys: string[]): unknown {
  return JSON.parse(JSON.stringify(schema, (key, value: unknown) => (keys.includes(key) ? undefined : value)));
}

let sim: HubspotSimulator;
beforeAll(async () => {
  sim = await startHubspotSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe.each(VERSIONS)('HubSpot Marketing Events $version: the relay and the simulator against the spec', ({ version, paths }) => {
  it('when the relay builds its attendance paths then each is a POST path of that version’s spec', () => {
    expect(marketingEventsBase(version)).toBe(
      version === 'v3' ? '/marketing/v3/marketing-events' : `/marketing/marketing-events/${version}`,
    );
    for (const event of EVENTS) {
      for (const state of ['register', 'attend', 'cancel'] as const) {
        const path = attendancePath(event, state, version).split('?')[0] ?? '';
        expect(specHasPost(paths, path), path).toBe(true);
      }
    }
  });

  it('when the relay’s client sends a batch then the simulator takes it on that version’s path and answers in that spec’s shape', async () => {
    const client = new HubspotClient({ baseUrl: sim.url, accessToken: 'sim-token', apiVersion: version, requestTimeoutMs: 5000 });
    try {
      sim.reset();
      // HubSpot takes attendance by external ids only for an event this app created (issue 14).
      sim.preCreateEvent('acct-1', 'webinar-9');
      const inputs = [{ email: `${version}@example.com`, interactionDateTime: 1_700_000_000_000, properties: {}, contactProperties: {} }];
      for (const event of EVENTS) {
        const call = await client.postAttendance(event, 'register', inputs);
        expect(call.answer.kind).toBe('ok');
        const isAnswer = new Ajv({ strict: false, validateFormats: false }).compile(
          specSchema('BatchResponseSubscriberEmailResponse', version) as object,
        );
        expect(call.answer.kind === 'ok' && isAnswer(call.answer.body)).toBe(true);
      }
      expect(sim.requests().map((r) => r.path.startsWith(marketingEventsBase(version)))).toEqual([true, true]);
    } finally {
      await client.close();
    }
  });

  it('when a body breaks that version’s schema then the simulator refuses it with 400', async () => {
    const res = await request(`${sim.url}${marketingEventsBase(version)}/4711/attendance/register/email-create`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ email: 'a@example.com', interactionDateTime: 'yesterday', properties: {}, contactProperties: {} }],
      }),
    });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ category: 'VALIDATION_ERROR' });
  });
});

describe('the two specs', () => {
  // Some prose differs, and formats: the 2026-09 answer declares `vid` int32 where v3 says int64 (the
  // simulator checks no formats). That is why each version is validated against its own spec.
  it('when the attendance schemas of v3 and 2026-09 are compared then the request is the same shape and the answer differs only in number formats', () => {
    const request = (v: SpecVersion) => withoutKeys(specSchema('BatchInputMarketingEventEmailSubscriber', v), ['description']);
    expect(request('2026-09')).toEqual(request('v3'));
    const answer = (v: SpecVersion) => withoutKeys(specSchema('BatchResponseSubscriberEmailResponse', v), ['description', 'format']);
    expect(answer('2026-09')).toEqual(answer('v3'));
  });

  it('when a date version the simulator has no spec for is called then it answers 404', async () => {
    const res = await request(`${sim.url}/marketing/marketing-events/2026-03/4711/attendance/register/email-create`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim-token', 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [] }),
    });
    expect(res.statusCode).toBe(404);
    await res.body.dump();
  });

  it('when a version is not one HubSpot names then building a path refuses it', () => {
    expect(() => marketingEventsBase('v4' as HubspotApiVersion)).toThrow(RangeError);
  });
});
