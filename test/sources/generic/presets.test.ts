import { describe, expect, it } from 'vitest';
import type { AttendanceFact } from '../../../src/domain/facts.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import { createPresetSource } from '../../../src/sources/generic/presets/index.js';
import { refusal } from '../../support/refusal.js';
import { livestormPeople, lumaGuest, titoCheckin, titoRegistration, titoTicket } from './payloads.js';
import { livestormHeaders, standardWebhooksHeaders, titoHeaders, webhookRequest } from './support.js';

const ADA = { email: 'Ada.Lovelace@Example.com', firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines' };
const at = (iso: string) => Date.parse(iso);

/** Receives `body` and reads the facts from what would be stored (envelope or raw body). */
function roundTrip(
  source: ReturnType<typeof createPresetSource>,
  body: unknown,
  headers: (text: string) => Record<string, string>,
  receivedAt = Date.now(),
): AttendanceFact[] | 'ignored' {
  const text = JSON.stringify(body);
  const verdict = receiveWebhook(source, webhookRequest(text, headers(text), receivedAt));
  if (verdict.kind === 'respond') return 'ignored';
  const stored = 'storedBody' in verdict && verdict.storedBody !== undefined ? verdict.storedBody : text;
  return source.interpret(JSON.parse(stored));
}

describe('Tito preset', () => {
  const tito = createPresetSource({ id: 'tito', type: 'tito', secret: 'tito-security-token', defaultAttendMinutes: 60 });
  // Received a minute after the payload's own time (older bodies are refused as replays, see below).
  const send = (name: string, body: { updated_at?: string; created_at?: string }) =>
    roundTrip(
      tito,
      body,
      (text) => titoHeaders('tito-security-token', text, name),
      Date.parse(body.updated_at ?? body.created_at ?? '') + 60_000,
    );

  it('when a registration is finished or a ticket completed, then the person is registered for the event slug', () => {
    expect(send('registration.finished', titoRegistration('caramel', ADA, '2026-11-01T10:00:00.000Z'))).toEqual([
      {
        kind: 'registered',
        sourceEventId: 'caramel',
        occurredAt: at('2026-11-01T10:00:00Z'),
        contact: {
          email: 'Ada.Lovelace@Example.com',
          firstName: 'Ada',
          lastName: 'Lovelace',
          fullName: 'Ada Lovelace',
          company: 'Analytical Engines',
          phone: undefined,
        },
      },
    ]);
    expect(send('ticket.completed', titoTicket('caramel', ADA, '2026-11-01T10:05:00Z'))).toEqual([
      expect.objectContaining({ kind: 'registered', sourceEventId: 'caramel' }),
    ]);
  });

  it('when a check-in is created, then one attended fact starts at the check-in (person read from the nested ticket)', () => {
    expect(send('checkin.created', titoCheckin('caramel', ADA, '2026-11-20T15:02:00Z'))).toEqual([
      expect.objectContaining({
        kind: 'attended',
        sourceEventId: 'caramel',
        joinedAt: at('2026-11-20T15:02:00Z'),
        leftAt: undefined,
        contact: expect.objectContaining({ email: ADA.email }),
      }),
    ]);
  });

  it('when a ticket is voided or a registration cancelled, then the person is cancelled', () => {
    expect(send('ticket.voided', titoTicket('caramel', ADA, '2026-11-05T09:00:00Z', 'void'))).toEqual([
      expect.objectContaining({ kind: 'cancelled', occurredAt: at('2026-11-05T09:00:00Z') }),
    ]);
    expect(send('registration.cancelled', titoRegistration('caramel', ADA, '2026-11-06T09:00:00Z'))).toEqual([
      expect.objectContaining({ kind: 'cancelled' }),
    ]);
  });

  it('when another webhook comes (ticket.updated, checkin.deleted), then it is acknowledged and ignored', () => {
    expect(send('ticket.updated', titoTicket('caramel', ADA, '2026-11-05T09:00:00Z'))).toBe('ignored');
    expect(send('checkin.deleted', titoCheckin('caramel', ADA, '2026-11-05T09:00:00Z'))).toBe('ignored');
  });

  it('when a captured registration is posted again as a check-in or days later, then it is refused; under another registration name it is the same delivery', () => {
    const text = JSON.stringify(titoRegistration('caramel', ADA, '2026-11-01T10:00:00Z'));
    const justAfter = at('2026-11-01T10:01:00Z');
    const post = (name: string, receivedAt = justAfter) =>
      receiveWebhook(tito, webhookRequest(text, titoHeaders('tito-security-token', text, name), receivedAt));
    const finished = post('registration.finished') as { dedupKey: string };
    expect((post('registration.cancelled') as { dedupKey: string }).dedupKey).toBe(finished.dedupKey);
    expect(refusal(() => post('checkin.created')).code).toBe('SIGNATURE_INVALID'); // _type registration
    expect(refusal(() => post('ticket.voided')).code).toBe('SIGNATURE_INVALID');
    expect(refusal(() => post('registration.cancelled', at('2026-11-03T10:00:00Z'))).code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });

  it('when Tito-Signature is missing or made with another token, then 401', () => {
    const text = JSON.stringify(titoTicket('caramel', ADA, '2026-11-05T09:00:00Z'));
    expect(refusal(() => receiveWebhook(tito, webhookRequest(text, { 'x-webhook-name': 'ticket.completed' }))).code).toBe(
      'SIGNATURE_MISSING',
    );
    expect(refusal(() => receiveWebhook(tito, webhookRequest(text, titoHeaders('another-token', text, 'ticket.completed')))).code).toBe(
      'SIGNATURE_INVALID',
    );
  });
});

describe('Luma preset', () => {
  const secret = 'whsec_bHVtYS10ZXN0LXNpZ25pbmctc2VjcmV0LTI0Yg==';
  const luma = createPresetSource({ id: 'luma', type: 'luma', secret, toleranceSeconds: 300, defaultAttendMinutes: 60 });
  const send = (body: unknown) => roundTrip(luma, body, (text) => standardWebhooksHeaders(secret, text));

  it('when a guest registers, then the guest is registered for the event id at registered_at', () => {
    expect(send(lumaGuest('guest.registered', 'evt-Caramel1', ADA, '2026-11-01T10:00:00.000Z'))).toEqual([
      expect.objectContaining({
        kind: 'registered',
        sourceEventId: 'evt-Caramel1',
        occurredAt: at('2026-11-01T10:00:00Z'),
        contact: expect.objectContaining({ email: ADA.email, firstName: 'Ada', lastName: 'Lovelace' }),
      }),
    ]);
  });

  it('when a guest is updated with a check-in time, then an attendance starts then; any other update is ignored', () => {
    expect(send(lumaGuest('guest.updated', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z', '2026-11-20T15:04:00Z'))).toEqual([
      expect.objectContaining({ kind: 'attended', sourceEventId: 'evt-Caramel1', joinedAt: at('2026-11-20T15:04:00Z') }),
    ]);
    expect(send(lumaGuest('guest.updated', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z', null))).toBe('ignored');
  });

  it('when a company question was answered, then company and job title are sent', () => {
    // Field names from Luma's guest webhook schema (api-evangelist/luma json-schema/webhook_guest.updated_post_request.json):
    // data.registration_answers[] with question_type "company", value { company, job_title }, answer_company, answer_job_title.
    const body = lumaGuest('guest.updated', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z', '2026-11-20T15:04:00Z');
    Object.assign(body.data, {
      registration_answers: [
        {
          label: 'Company',
          question_id: 'q1',
          question_type: 'company',
          value: { company: 'Analytical Engines', job_title: 'Analyst' },
          answer_company: 'Analytical Engines',
          answer_job_title: 'Analyst',
        },
      ],
    });
    expect(send(body)).toEqual([
      expect.objectContaining({
        kind: 'attended',
        joinedAt: at('2026-11-20T15:04:00Z'),
        contact: expect.objectContaining({ company: 'Analytical Engines', jobTitle: 'Analyst' }),
      }),
    ]);
  });

  it('when a guest-level checked_in_at is present (older payloads), then it counts too', () => {
    const body = lumaGuest('guest.updated', 'evt-Caramel1', ADA, '2026-11-01T10:00:00Z', null);
    Object.assign(body.data, { checked_in_at: '2026-11-20T15:06:00Z' });
    expect(send(body)).toEqual([expect.objectContaining({ kind: 'attended', joinedAt: at('2026-11-20T15:06:00Z') })]);
  });
});

describe('Livestorm preset', () => {
  const livestorm = createPresetSource({
    id: 'livestorm',
    type: 'livestorm',
    secret: 'livestorm-secret',
    toleranceSeconds: 300,
    defaultAttendMinutes: 60,
  });
  const send = (body: unknown) => roundTrip(livestorm, body, (text) => livestormHeaders('livestorm-secret', text));
  const registered = at('2026-11-01T10:00:00Z') / 1000;

  it('when someone registers, then they are registered for the event at registrant_detail.created_at (epoch seconds)', () => {
    expect(send(livestormPeople('people.registered', 'ev-ls-1', ADA, registered))).toEqual([
      expect.objectContaining({
        kind: 'registered',
        sourceEventId: 'ev-ls-1',
        occurredAt: registered * 1000,
        contact: expect.objectContaining({ email: ADA.email, firstName: 'Ada' }),
      }),
    ]);
  });

  it('when someone attended and the session is included, then the attendance is the session start plus their duration', () => {
    const session = { startedAt: at('2026-11-20T15:00:00Z') / 1000, endedAt: at('2026-11-20T16:00:00Z') / 1000 };
    expect(send(livestormPeople('people.attended', 'ev-ls-1', ADA, registered, session))).toEqual([
      expect.objectContaining({ kind: 'attended', joinedAt: at('2026-11-20T15:00:00Z'), leftAt: at('2026-11-20T15:45:00Z') }), // 2,700 s attended
    ]);
  });

  it('when the email is only among the registration fields, then it is read from there', () => {
    const body = livestormPeople('people.registered', 'ev-ls-1', ADA, registered);
    delete (body.data.attributes as { email?: string }).email;
    expect(send(body)).toEqual([expect.objectContaining({ contact: expect.objectContaining({ email: ADA.email }) })]);
  });

  it('when people.not_attended or session events come, then they are ignored', () => {
    const body = { ...livestormPeople('people.registered', 'ev-ls-1', ADA, registered), meta: { event: 'people.not_attended' } };
    expect(send(body)).toBe('ignored');
  });
});
