import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AttendanceFact } from '../../../src/domain/facts.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import { createPresetSource } from '../../../src/sources/generic/presets/index.js';
import { refusal } from '../../support/refusal.js';
import { titoHeaders, webhookRequest } from './support.js';

/**
 * The Tito preset against Tito's own documented payloads (test/fixtures/tito/README.md):
 * repository teamtito/api-docs, commit 1899c978f8b38bb742e0a0e71c8755a239e26b40.
 */

const TOKEN = 'tito-security-token';
const tito = createPresetSource({ id: 'tito', type: 'tito', secret: TOKEN, defaultAttendMinutes: 60 });
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tito/${name}`, import.meta.url), 'utf8');

// data/3.1/registrations/webhook_payload.json
const REGISTRATION = fixture('registration.json');
// data/3.1/tickets/webhook_payload.json
const TICKET = fixture('ticket.json');
// source/includes/admin_api/3.1/webhooks/_checkin.json.md
const CHECKIN = fixture('checkin.json');

const REGISTRATION_UPDATED = Date.parse('2022-03-26T07:59:13Z'); // its "updated_at": "2022-03-26 07:59:13 UTC"

/** Receives `text` under `name` a minute after `ownTime`, and reads the facts from what would be stored. */
function send(name: string, text: string, ownTime: number): AttendanceFact[] | 'ignored' {
  const verdict = receiveWebhook(tito, webhookRequest(text, titoHeaders(TOKEN, text, name), ownTime + 60_000));
  if (verdict.kind === 'respond') return 'ignored';
  return tito.interpret(JSON.parse(verdict.storedBody ?? text));
}

const emailsOf = (facts: AttendanceFact[] | 'ignored') =>
  facts === 'ignored' ? facts : facts.map((f) => ('contact' in f ? f.contact.email : undefined));

describe("Tito preset with Tito's documented payloads", () => {
  it('when registration.finished arrives, then each ticket holder with an email is registered once, with the names on the ticket, not the buyer', () => {
    const facts = send('registration.finished', REGISTRATION, REGISTRATION_UPDATED);
    // Six tickets: one without an email, two with the same address; the buyer (nIFOizT0YnYTTA@...) holds none.
    expect(emailsOf(facts)).toEqual(['yW0K4UJmnG_eyQ@example.com', 'jailyn@example.com', 'jailyn+4@example.com', 'jailyn+5@example.com']);
    expect(facts).toContainEqual({
      kind: 'registered',
      sourceEventId: 'awesomeconf',
      occurredAt: REGISTRATION_UPDATED,
      contact: { email: 'jailyn@example.com', firstName: 'Watto', lastName: undefined, fullName: 'Watto' },
    });
  });

  it('when registration.cancelled arrives, then the same ticket holders are cancelled', () => {
    const facts = send('registration.cancelled', REGISTRATION, REGISTRATION_UPDATED);
    expect(facts !== 'ignored' && facts.every((f) => f.kind === 'cancelled')).toBe(true);
    expect(emailsOf(facts)).toEqual(['yW0K4UJmnG_eyQ@example.com', 'jailyn@example.com', 'jailyn+4@example.com', 'jailyn+5@example.com']);
  });

  it('when no ticket of a registration carries an email, then the buyer is registered', () => {
    const body = JSON.parse(REGISTRATION) as { tickets: Array<{ email: string | null }> };
    for (const ticket of body.tickets) ticket.email = null;
    const facts = send('registration.finished', JSON.stringify(body), REGISTRATION_UPDATED);
    expect(facts).toEqual([
      expect.objectContaining({
        kind: 'registered',
        contact: expect.objectContaining({ email: 'nIFOizT0YnYTTA@example.com', firstName: 'Watto' }),
      }),
    ]);
  });

  it('when ticket.completed or ticket.voided arrives, then the ticket holder is registered or cancelled at its updated_at ("2022-03-26 07:36:07 UTC")', () => {
    const updated = Date.parse('2022-03-26T07:36:07Z');
    expect(send('ticket.completed', TICKET, updated)).toEqual([
      expect.objectContaining({
        kind: 'registered',
        sourceEventId: 'awesomeconf',
        occurredAt: updated,
        contact: expect.objectContaining({ email: 'jailyn@example.com', firstName: 'Watto' }),
      }),
    ]);
    expect(send('ticket.voided', TICKET, updated)).toEqual([expect.objectContaining({ kind: 'cancelled', occurredAt: updated })]);
  });

  it('when checkin.created arrives with the documented body (no _type), then it is accepted and the person attended from checked_in_at', () => {
    const checkedIn = Date.parse('2019-08-16T14:14:21Z');
    expect(send('checkin.created', CHECKIN, checkedIn)).toEqual([
      expect.objectContaining({
        kind: 'attended',
        sourceEventId: '2018',
        joinedAt: checkedIn,
        contact: expect.objectContaining({ email: 'john.smith@example.com', firstName: 'John', lastName: 'Smith' }),
      }),
    ]);
  });

  it.each([
    [
      'the check-in body',
      CHECKIN,
      Date.parse('2019-08-16T14:14:21Z'),
      ['ticket.completed', 'ticket.voided', 'registration.finished', 'registration.cancelled'],
    ],
    ['the ticket body', TICKET, Date.parse('2022-03-26T07:36:07Z'), ['checkin.created', 'registration.finished']],
    ['the registration body', REGISTRATION, REGISTRATION_UPDATED, ['checkin.created', 'ticket.completed']],
  ])(
    'when %s is posted again under another kind of webhook name, then it is refused as SIGNATURE_INVALID',
    (_what, text, ownTime, names) => {
      for (const name of names) {
        const request = webhookRequest(text, titoHeaders(TOKEN, text, name), ownTime + 60_000);
        expect(refusal(() => receiveWebhook(tito, request)).code, name).toBe('SIGNATURE_INVALID');
      }
    },
  );

  it('when a body says nothing of what it is (no _type, no check-in fields), then checkin.created is refused as SIGNATURE_INVALID', () => {
    const body = JSON.parse(CHECKIN) as Record<string, unknown>;
    delete body.checkin_uuid;
    delete body.checked_in_at;
    const text = JSON.stringify({ ...body, created_at: '2019-08-16T14:14:21.000Z' });
    const request = webhookRequest(text, titoHeaders(TOKEN, text, 'checkin.created'), Date.parse('2019-08-16T14:15:21Z'));
    expect(refusal(() => receiveWebhook(tito, request)).code).toBe('SIGNATURE_INVALID');
  });
});
