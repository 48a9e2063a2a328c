import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../../src/domain/contact.js';
import type { MapConfig } from '../../../src/sources/generic/config.js';
import { Mapper, MappingError } from '../../../src/sources/generic/map.js';
import type { Payload } from '../../../src/sources/generic/path.js';

const MAP: MapConfig = {
  eventType: 'type',
  states: {
    'guest.registered': 'register',
    'guest.checked_in': 'attend',
    'guest.cancelled': 'cancel',
    'guest.updated': [
      { state: 'cancel', when: 'data.status', equals: 'declined' },
      { state: 'attend', when: 'data.checked_in_at' },
    ],
  },
  email: 'data.email',
  firstName: 'data.first_name',
  lastName: 'data.last_name',
  fullName: 'data.name',
  occurredAt: 'data.created_at',
  sourceEventId: 'data.event_id',
  deliveryId: 'data.id',
  joinedAt: 'data.checked_in_at',
  leftAt: 'data.checked_out_at',
  durationSeconds: 'data.seconds',
  contactProperties: {
    company: 'data.company',
    phone: 'data.phone',
    jobtitle: 'data.answers[question=role].answer',
    country: 'data.address.country',
  },
};
const mapper = new Mapper('generic source "checkin-app"', MAP);
const p = (body: unknown, headers: Record<string, string> = {}): Payload => ({ body, headers });
const event = (type: string, data: Record<string, unknown>) =>
  p({ type, data: { id: 'd-1', event_id: 'ev-1', email: 'ada@example.com', created_at: '2026-11-20T14:00:00Z', ...data } });
const facts = (payload: Payload) => {
  const state = mapper.decide(payload);
  if (!state) throw new Error('not mapped');
  return mapper.facts(payload, state);
};
const mappingError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).code).toBe('BODY_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a MappingError');
};

describe('which payloads are mapped', () => {
  it('when the event type is listed, then its state is chosen; unlisted or missing types are not mapped', () => {
    expect(mapper.decide(event('guest.registered', {}))).toBe('register');
    expect(mapper.decide(event('guest.cancelled', {}))).toBe('cancel');
    expect(mapper.decide(event('guest.deleted', {}))).toBeUndefined();
    expect(mapper.decide(p({ data: {} }))).toBeUndefined();
    expect(mapper.decide(p({ type: { nested: true } }))).toBeUndefined();
  });

  it('when rules have conditions, then the first whose path has a value (equal to `equals`) wins', () => {
    expect(mapper.decide(event('guest.updated', { status: 'declined', checked_in_at: '2026-11-20T15:00:00Z' }))).toBe('cancel');
    expect(mapper.decide(event('guest.updated', { status: 'approved', checked_in_at: '2026-11-20T15:00:00Z' }))).toBe('attend');
    expect(mapper.decide(event('guest.updated', { status: 'approved', checked_in_at: null }))).toBeUndefined();
    expect(mapper.decide(event('guest.updated', { status: 'approved', checked_in_at: '' }))).toBeUndefined();
  });

  it('when the event type is a number, then it matches its text', () => {
    const numeric = new Mapper('s', { ...MAP, eventType: 'code', states: { '7': 'register' } });
    expect(numeric.decide(p({ code: 7 }))).toBe('register');
    expect(numeric.decide(p({ code: '7' }))).toBe('register');
  });
});

describe('reading facts', () => {
  it('when a registration has every field, then one registered fact carries the contact and a once-key', () => {
    const [fact] = facts(
      event('guest.registered', {
        first_name: 'Ada',
        last_name: 'Lovelace',
        company: 'Analytical Engines',
        phone: 5551234,
        address: { country: 'UK' },
        answers: [{ question: 'role', answer: 'Mathematician' }],
      }),
    );
    expect(fact).toEqual({
      kind: 'registered',
      sourceEventId: 'ev-1',
      occurredAt: Date.parse('2026-11-20T14:00:00Z'),
      contact: {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        fullName: undefined,
        company: 'Analytical Engines',
        phone: '5551234',
        jobTitle: 'Mathematician',
        country: 'UK',
      },
    });
  });

  it('when custom HubSpot properties are mapped, then they are read alongside the named ones, lists joined and objects as JSON', () => {
    const custom = new Mapper('s', {
      ...MAP,
      contactProperties: {
        company: 'data.company',
        ticket_type: 'data.ticket.type',
        interests: 'data.interests',
        hs_language: ['data.lang', 'data.locale'],
        empty: 'data.missing',
      },
    });
    const payload = event('guest.registered', {
      company: 'AEL',
      ticket: { type: 'VIP' },
      interests: ['maths', 'engines'],
      locale: 'en-gb',
    });
    const [fact] = custom.facts(payload, custom.decide(payload)!);
    expect(fact).toMatchObject({
      contact: { company: 'AEL', otherProperties: { ticket_type: 'VIP', interests: 'maths, engines', hs_language: 'en-gb' } },
    });
    expect((fact as { contact: { otherProperties: object } }).contact.otherProperties).not.toHaveProperty('empty');
  });

  it('when ids and times come as numbers or numeric strings, then ids become text and epoch seconds/milliseconds are told apart', () => {
    const ms = Date.parse('2026-11-20T14:00:00Z');
    expect(facts(event('guest.registered', { event_id: 81234567890, created_at: ms / 1000 }))[0]).toMatchObject({
      sourceEventId: '81234567890',
      occurredAt: ms,
    });
    expect(facts(event('guest.registered', { event_id: '42', created_at: String(ms) }))[0]).toMatchObject({
      sourceEventId: '42',
      occurredAt: ms,
    });
  });

  it('when a check-in has a join and a leave time, then one attended fact carries both', () => {
    const [fact] = facts(event('guest.checked_in', { checked_in_at: '2026-11-20T15:01:00Z', checked_out_at: '2026-11-20T15:55:00Z' }));
    expect(fact).toMatchObject({
      kind: 'attended',
      joinedAt: Date.parse('2026-11-20T15:01:00Z'),
      occurredAt: Date.parse('2026-11-20T15:01:00Z'),
      leftAt: Date.parse('2026-11-20T15:55:00Z'),
    });
    expect((fact as { onceKey: string }).onceKey).toBe(`attend:ev-1:ada@example.com:${Date.parse('2026-11-20T15:01:00Z')}`);
  });

  it('when a check-in has no leave time, then leftAt is left to the domain (event end or default), or comes from a duration', () => {
    expect(facts(event('guest.checked_in', { checked_in_at: '2026-11-20T15:00:00Z' }))[0]).toMatchObject({
      kind: 'attended',
      leftAt: undefined,
    });
    expect(facts(event('guest.checked_in', { checked_in_at: '2026-11-20T15:00:00Z', seconds: '1800' }))[0]).toMatchObject({
      leftAt: Date.parse('2026-11-20T15:30:00Z'),
    });
  });

  it('when a check-in has no join time, then occurredAt is the join time', () => {
    expect(facts(event('guest.checked_in', {}))[0]).toMatchObject({ joinedAt: Date.parse('2026-11-20T14:00:00Z') });
  });

  it('when the email is missing or not an address, then the fact is still read (the domain counts and logs it as skipped)', () => {
    expect(facts(event('guest.registered', { email: undefined }))[0]).toMatchObject({ kind: 'registered', contact: { email: undefined } });
    const [fact] = facts(event('guest.registered', { email: 'not an address' }));
    expect(fact).toMatchObject({ contact: { email: 'not an address' } });
    expect(normalizeEmail((fact as { contact: { email?: string } }).contact.email)).toBeUndefined();
  });

  it('when an email has Unicode, upper case or spaces, then it is kept NFC-normalised and normalizeEmail lower-cases it', () => {
    const decomposed = ' Zoe\u0308.Muller@Exa\u0308mple.com ';
    const [fact] = facts(event('guest.registered', { email: decomposed }));
    const email = (fact as { contact: { email: string } }).contact.email;
    expect(email).toBe('Zoë.Muller@Exämple.com');
    expect(normalizeEmail(email)).toBe('zoë.muller@exämple.com');
    // The attendance domain knows a person by the normalised address (one register per person).
    const upper = (facts(event('guest.registered', { email: 'ZOË.MULLER@EXÄMPLE.COM' }))[0] as { contact: { email: string } }).contact;
    expect(normalizeEmail(upper.email)).toBe('zoë.muller@exämple.com');
  });

  it('when names are missing, then the full name is kept for the domain to split', () => {
    expect(facts(event('guest.registered', { name: 'Grace Brewster Hopper' }))[0]).toMatchObject({
      contact: { fullName: 'Grace Brewster Hopper', firstName: undefined },
    });
  });
});

describe('mapping errors', () => {
  it('when the source event id is missing, then the error names the source, the key, the path and what was found', () => {
    expect(mappingError(() => facts(event('guest.registered', { event_id: undefined })))).toBe(
      'generic source "checkin-app": map.sourceEventId (data.event_id) has no value, found nothing',
    );
    expect(mappingError(() => facts(event('guest.registered', { event_id: null })))).toBe(
      'generic source "checkin-app": map.sourceEventId (data.event_id) has no value, found null',
    );
  });

  it('when a value has the wrong shape, then the error shows it (emails masked)', () => {
    expect(mappingError(() => facts(event('guest.registered', { event_id: { id: 1 } })))).toBe(
      'generic source "checkin-app": map.sourceEventId (data.event_id) must be text or a number, found {"id":1}',
    );
    expect(mappingError(() => facts(event('guest.registered', { created_at: 'yesterday' })))).toBe(
      'generic source "checkin-app": map.occurredAt (data.created_at) must be an ISO-8601 time or epoch seconds/milliseconds, found "yesterday"',
    );
    expect(mappingError(() => facts(event('guest.registered', { created_at: 'grace@example.com' })))).toContain('found "g***@example.com"');
    expect(mappingError(() => facts(event('guest.checked_in', { checked_out_at: [1, 2] })))).toContain('map.leftAt (data.checked_out_at)');
  });

  it('when a registration has no time, then that is an error; an attendance needs a join or an occurred time', () => {
    expect(mappingError(() => facts(event('guest.registered', { created_at: undefined })))).toContain(
      'map.occurredAt (data.created_at) has no value',
    );
    expect(mappingError(() => facts(event('guest.checked_in', { created_at: undefined })))).toBe(
      'generic source "checkin-app": map.joinedAt (data.checked_in_at | data.created_at) has no value (nor has map.occurredAt), found nothing',
    );
  });

  it('when alternatives all lack a value, then all are named', () => {
    const alt = new Mapper('tito source "t"', { ...MAP, sourceEventId: ['event.slug', 'ticket.event.slug'] });
    expect(mappingError(() => alt.facts(p({ type: 'guest.registered', data: { created_at: '2026-11-20T14:00:00Z' } }), 'register'))).toBe(
      'tito source "t": map.sourceEventId (event.slug | ticket.event.slug) has no value, found nothing',
    );
  });
});

describe('delivery ids and stored headers', () => {
  it('when the mapping names a delivery id, then it is read as text', () => {
    expect(mapper.deliveryId(event('guest.registered', { id: 123 }))).toBe('123');
    expect(mapper.deliveryId(event('guest.registered', { id: null }))).toBeUndefined();
  });

  it('when paths read headers (other than the delivery id), then those headers are the ones to store', () => {
    expect(mapper.storedHeaders).toEqual([]);
    const headed = new Mapper('s', {
      ...MAP,
      eventType: 'header:X-Webhook-Name',
      deliveryId: 'header:x-request-id',
      contactProperties: { city: 'header:X-City' },
    });
    expect(headed.storedHeaders).toEqual(['x-webhook-name', 'x-city']);
    expect(headed.decide(p({ data: {} }, { 'x-webhook-name': 'guest.registered' }))).toBe('register');
  });
});
