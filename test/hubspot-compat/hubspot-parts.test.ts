import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bearerToken, IntakeTokens } from '../../src/hubspot-compat/token-auth.js';
import { preferredWait } from '../../src/hubspot-compat/prefer-wait.js';
import {
  createHubspotIntakeSource,
  HUBSPOT_INTAKE_SOURCE_ID,
  intakeEnvelope,
  intakeFacts,
} from '../../src/sources/hubspot-compat/index.js';
import { batchInputSchema } from '../../src/hubspot-compat/spec.js';
import copied from '../../src/hubspot-compat/spec-schemas.json' with { type: 'json' };
import { compileIntakeSchema, emailRefusal, fieldName, validationRefusal } from '../../src/hubspot-compat/validation.js';
import { createSources } from '../../src/sources/registry.js';
import type { SourceConfig } from '../../src/config/schema.js';
import spec from '../../dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json' with { type: 'json' };
import { specSchema } from '../../dev/hubspot-simulator/spec-schema.js';

const validate = compileIntakeSchema({ schema: batchInputSchema });
const ok = { email: 'a@example.com', interactionDateTime: 1, properties: {}, contactProperties: {} };

describe('the copy of HubSpot’s request schema', () => {
  it('when compared with the full spec kept for the simulator, then each copied schema is unchanged and the provenance names that spec', () => {
    const specPath = resolve(import.meta.dirname, '../../dev/hubspot-simulator/spec/hubspot-marketing-events-v3.json');
    expect(createHash('sha256').update(readFileSync(specPath)).digest('hex')).toBe(copied.provenance.sha256OfWholeSpec);
    const all = spec.components.schemas as Record<string, unknown>;
    for (const name of copied.provenance.copied) expect((copied.schemas as Record<string, unknown>)[name]).toEqual(all[name]);
  });

  it('when inlined, then it validates what HubSpot’s simulator validates (the same schema, example noise left out)', () => {
    expect(JSON.stringify(batchInputSchema)).not.toContain('example');
    const stripped = JSON.parse(
      JSON.stringify(specSchema('BatchInputMarketingEventEmailSubscriber'), (key, value) =>
        key === 'example' && value === null ? undefined : value,
      ),
    );
    expect(batchInputSchema).toEqual(stripped);
  });
});

describe('validation with HubSpot’s schema', () => {
  it('when a body matches, then it passes unchanged (no coercion, no defaults)', () => {
    const body = { inputs: [{ ...ok, extra: 'kept' }] };
    expect(validate(body)).toBe(true);
    expect(body.inputs[0]).toEqual({ ...ok, extra: 'kept' });
    expect(validate({ inputs: [{ ...ok, interactionDateTime: '1' }] })).toBe(false);
    expect(validate({ inputs: [] })).toBe(true);
  });

  it('when a body breaks it, then HubSpot’s 400 names the first bad field of each bad input in errors[].in', () => {
    expect(validate({ inputs: [ok, { ...ok, email: 3, properties: { joinedAt: 1 } }, { properties: {} }] })).toBe(false);
    const refusal = validationRefusal(validate.errors ?? [], 'body');
    expect(refusal.statusCode).toBe(400);
    expect(refusal.category).toBe('VALIDATION_ERROR');
    expect(refusal.message).toBe('Invalid input JSON at inputs[1].email: must be string');
    expect(refusal.extra.errors?.map((e) => e.in)).toEqual(['inputs[1].email', 'inputs[2].contactProperties']);
    expect(refusal.body('c-1')).toMatchObject({ status: 'error', correlationId: 'c-1', category: 'VALIDATION_ERROR' });
  });

  it('when a path is a JSON pointer, then the field name reads like HubSpot’s', () => {
    expect(fieldName('/inputs/2/properties/joinedAt')).toBe('inputs[2].properties.joinedAt');
    expect(fieldName('/inputs/0/contactProperties/a~1b')).toBe('inputs[0].contactProperties.a/b');
    expect(fieldName('', 'inputs')).toBe('inputs');
  });

  it('when an email is no address at all, then it is refused up front with its field', () => {
    expect(emailRefusal([ok, { ...ok, email: ' B@Example.com ' }])).toBeUndefined();
    const refusal = emailRefusal([ok, { ...ok, email: 'nobody' }, { ...ok, email: 'a@b' }]);
    expect(refusal?.extra.errors?.map((e) => e.in)).toEqual(['inputs[1].email', 'inputs[2].email']);
  });
});

describe('Prefer: wait (RFC 7240)', () => {
  it.each([
    [undefined, undefined],
    ['wait=10', 10],
    ['respond-async, wait=5', 5],
    ['WAIT = 7', 7],
    ['wait="3"', 3],
    ['wait=31', 30],
    ['wait=100000', 30],
    ['wait=0', undefined],
    ['wait=soon', undefined],
    ['return=minimal', undefined],
    [['return=minimal', 'wait=2'], 2],
  ])('%s → %s', (header, seconds) => {
    expect(preferredWait(header as string | string[] | undefined)).toBe(seconds);
  });
});

describe('bearer tokens', () => {
  it('when the header is a bearer token, then the token is read whatever the scheme’s case', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('when tokens are configured, then only those match, each as a stable caller name that is not the token', () => {
    const tokens = new IntakeTokens(['first-token-0123456789', 'second-token-0123456789']);
    expect(tokens.enabled).toBe(true);
    const first = tokens.match('first-token-0123456789');
    expect(first).toBeDefined();
    expect(first).not.toContain('first-token');
    expect(tokens.match('first-token-0123456789')).toBe(first);
    expect(tokens.match('second-token-0123456789')).not.toBe(first);
    expect(tokens.match('first-token-012345678')).toBeUndefined();
    expect(tokens.match(undefined)).toBeUndefined();
    expect(new IntakeTokens([]).enabled).toBe(false);
  });
});

describe('the internal intake source', () => {
  it('when a stored envelope is interpreted, then each input is one direct fact for the target from the path', () => {
    const inputs = [ok, { ...ok, email: 'b@example.com' }];
    expect(intakeFacts(JSON.parse(JSON.stringify(intakeEnvelope({ kind: 'object', objectId: '51' }, 'register', inputs))))).toEqual([
      { kind: 'direct', sourceEventId: '51', targetKey: 'object:51', state: 'register', input: ok },
      { kind: 'direct', sourceEventId: '51', targetKey: 'object:51', state: 'register', input: inputs[1] },
    ]);
    const external = intakeFacts(
      intakeEnvelope({ kind: 'external', externalAccountId: 'acct 1', externalEventId: 'ev:9' }, 'cancel', [ok]),
    );
    expect(external).toEqual([
      { kind: 'direct', sourceEventId: 'ev:9', targetKey: 'external:acct%201:ev%3A9', state: 'cancel', input: ok },
    ]);
  });

  it('when a stored body is not an envelope, then interpreting it throws (kept in the inbox with the reason)', () => {
    expect(() => intakeFacts({ inputs: [] })).toThrow(/not a HubSpot intake envelope/);
    expect(() => createHubspotIntakeSource().verify({ rawBody: Buffer.alloc(0), headers: {}, query: {}, receivedAt: 0 })).toThrow();
  });

  it('when sources are built, then processing knows the intake source, webhook routes do not, and its id is reserved', () => {
    const zoom = { id: 'zoom', type: 'zoom', secretToken: 's', timestampToleranceSeconds: 300, sessionTimeoutHours: 12 } as SourceConfig;
    expect([...createSources([zoom]).keys()]).toEqual([HUBSPOT_INTAKE_SOURCE_ID, 'zoom']);
    expect([...createSources([zoom], { internal: false }).keys()]).toEqual(['zoom']);
    expect(() => createSources([{ ...zoom, id: HUBSPOT_INTAKE_SOURCE_ID }])).toThrow(/reserved/);
  });
});
