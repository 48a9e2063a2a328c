import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { AttendanceFact } from '../../../src/domain/facts.js';
import { receiveWebhook } from '../../../src/ingest/receive-webhook.js';
import { createZoomSource } from '../../../src/sources/zoom/index.js';
import type { WebhookVerdict } from '../../../src/sources/types.js';
import { endedEvent, participantEvent, registrationEvent, zoomHeaders } from '../../support/zoom.js';
import { refusal } from '../../support/refusal.js';

const SECRET = 'map-test-secret';
const source = createZoomSource({
  id: 'zoom',
  type: 'zoom',
  secretToken: SECRET,
  timestampToleranceSeconds: 5400,
  sessionTimeoutHours: 12,
});

const EVENT = '81234567890';
const START = Date.parse('2026-11-20T15:00:00Z'); // registrationEvent's start_time (duration 60)

/** Signs and receives `body` as Zoom would send it, now. */
function receive(body: unknown): WebhookVerdict {
  const raw = JSON.stringify(body);
  const headers: IncomingHttpHeaders = zoomHeaders(SECRET, raw);
  return receiveWebhook(source, { rawBody: Buffer.from(raw), headers, query: {}, receivedAt: Date.now() });
}

function facts(body: unknown): AttendanceFact[] {
  return source.interpret(JSON.parse(JSON.stringify(body)));
}

function factOf<K extends AttendanceFact['kind']>(body: unknown, kind: K): Extract<AttendanceFact, { kind: K }> {
  const found = facts(body).find((f): f is Extract<AttendanceFact, { kind: K }> => f.kind === kind);
  if (!found) throw new Error(`no ${kind} fact in ${JSON.stringify(facts(body))}`);
  return found;
}

const ada = {
  email: 'Ada@Example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  registrantId: 'reg-ada',
  org: 'Analytical Engines Ltd',
  jobTitle: 'Programmer',
  phone: '+44 20 7946 0000',
  city: 'London',
  country: 'GB',
};

describe.each(['webinar', 'meeting'] as const)('Zoom %s.* mapping', (scope) => {
  it.each([
    ['created', 'registered'],
    ['approved', 'registered'],
    ['cancelled', 'cancelled'],
    ['denied', 'cancelled'],
  ] as const)(
    `when ${scope}.registration_%s arrives, then it reads as %s with the registrant's details and the time it happened`,
    (action, kind) => {
      const eventTs = Date.parse('2026-11-01T09:30:00Z');
      const fact = factOf(registrationEvent(action, EVENT, ada, eventTs, scope), kind);
      expect(fact).toEqual({
        kind,
        sourceEventId: EVENT,
        occurredAt: eventTs,
        contactKey: expect.stringContaining('reg-ada'),
        contact: expect.objectContaining({
          email: 'Ada@Example.com',
          firstName: 'Ada',
          lastName: 'Lovelace',
          company: 'Analytical Engines Ltd',
          jobTitle: 'Programmer',
          phone: '+44 20 7946 0000',
          city: 'London',
          country: 'GB',
        }),
      });
    },
  );

  it(`when ${scope}.registration_created carries start_time and duration, then the scheduled end is start + duration minutes`, () => {
    const scheduled = factOf(registrationEvent('created', EVENT, ada, START, scope), 'event-scheduled');
    expect(scheduled).toMatchObject({ sourceEventId: EVENT, startsAt: START, endsAt: START + 60 * 60_000 });
  });

  it(`when ${scope}.participant_joined arrives, then it opens a session at join_time for that participant in that occurrence (object.uuid)`, () => {
    const at = '2026-11-20T15:02:03Z';
    const body = participantEvent(
      'joined',
      EVENT,
      { email: 'grace@example.com', userName: 'Grace Hopper', registrantId: 'reg-g' },
      at,
      scope,
      'occurrence-w2',
    );
    expect(facts(body)).toEqual([
      {
        kind: 'joined',
        sourceEventId: EVENT,
        occurrence: 'occurrence-w2',
        occurredAt: Date.parse(at),
        contact: expect.objectContaining({ email: 'grace@example.com', fullName: 'Grace Hopper' }),
        contactKey: expect.stringContaining('reg-g'),
      },
    ]);
  });

  it(`when ${scope}.participant_left arrives, then it closes the session at leave_time`, () => {
    const at = '2026-11-20T15:44:00Z';
    const body = participantEvent('left', EVENT, { email: 'grace@example.com' }, at, scope);
    expect(facts(body)).toEqual([expect.objectContaining({ kind: 'left', sourceEventId: EVENT, occurredAt: Date.parse(at) })]);
  });

  it(`when ${scope}.ended arrives, then it closes that occurrence of the event at end_time`, () => {
    const body = endedEvent(EVENT, '2026-11-20T15:00:00Z', '2026-11-20T16:05:00Z', scope, 'occurrence-w2');
    expect(facts(body)).toEqual([
      { kind: 'event-ended', sourceEventId: EVENT, occurrence: 'occurrence-w2', occurredAt: Date.parse('2026-11-20T16:05:00Z') },
    ]);
  });

  it(`when ${scope} participant and end events carry no uuid (older captures), then they read as the event's one occurrence`, () => {
    const joined = participantEvent('joined', EVENT, { email: 'grace@example.com' }, '2026-11-20T15:02:03Z', scope);
    delete (joined.payload.object as { uuid?: string }).uuid;
    expect(factOf(joined, 'joined').occurrence).toBeUndefined();
  });

  it(`when ${scope}.started arrives with start_time and duration, then the scheduled end is learned`, () => {
    const body = {
      event: `${scope}.started`,
      event_ts: START,
      payload: { account_id: 'a', object: { id: EVENT, uuid: 'u', start_time: '2026-11-20T15:00:00Z', duration: 90 } },
    };
    expect(facts(body)).toEqual([
      { kind: 'event-scheduled', sourceEventId: EVENT, startsAt: START, endsAt: START + 90 * 60_000 },
      { kind: 'event-details', sourceEventId: EVENT, details: { startedAt: new Date(START).toISOString() } },
    ]);
  });

  it(`when a correctly signed ${scope}.participant_joined is received, then it is stored`, () => {
    const verdict = receive(participantEvent('joined', EVENT, { email: 'grace@example.com' }, '2026-11-20T15:02:03Z', scope));
    expect(verdict.kind).toBe('store');
  });
});

describe('Zoom ids and other events', () => {
  it('when the event id arrives as a number in one event and a string in another, then both name the same event', () => {
    const registered = factOf(registrationEvent('created', EVENT, ada), 'registered');
    const joined = factOf(participantEvent('joined', EVENT, { email: 'ada@example.com' }, '2026-11-20T15:00:00Z'), 'joined');
    expect(registered.sourceEventId).toBe(joined.sourceEventId);
  });

  // webinar.updated is read since issue 14 (a HubSpot event the relay created is kept up to date).
  it.each(['meeting.sharing_started', 'webinar.alert', 'recording.completed', 'meeting.participant_joined_waiting_room', 'user.created'])(
    'when %s arrives, then it is acknowledged and ignored, not stored, and its event type named (for the ignored count)',
    (event) => {
      const body = { event, event_ts: START, payload: { account_id: 'a', object: { id: EVENT } } };
      expect(receive(body)).toEqual({
        kind: 'respond',
        statusCode: 200,
        body: expect.objectContaining({ received: true, ignored: true }),
        ignoredEventType: event,
      });
      expect(facts(body)).toEqual([]);
    },
  );

  it('when the same signed body is delivered twice (a Zoom retry), then both deliveries carry the same dedup key', () => {
    const body = participantEvent('left', EVENT, { email: 'ada@example.com' }, '2026-11-20T15:30:00Z');
    const first = receive(body);
    const second = receive(body);
    const other = receive(participantEvent('left', EVENT, { email: 'ada@example.com' }, '2026-11-20T15:31:00Z'));
    expect(first.kind).toBe('store');
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });
});

describe('Zoom malformed payloads', () => {
  const registration = registrationEvent('created', EVENT, ada);

  it.each<[string, unknown]>([
    ['a registration without a registrant', { ...registration, payload: { object: { id: Number(EVENT) } } }],
    [
      'a registration whose registrant has no email',
      {
        ...registration,
        payload: { object: { ...registration.payload.object, registrant: { first_name: 'Ada' } } },
      },
    ],
    [
      'a registration with an unreadable start_time',
      {
        ...registration,
        payload: { object: { ...registration.payload.object, start_time: 'next tuesday, 3pm' } },
      },
    ],
    [
      'a join without join_time',
      {
        event: 'webinar.participant_joined',
        event_ts: START,
        payload: { object: { id: EVENT, participant: { email: 'ada@example.com' } } },
      },
    ],
    ['a join whose join_time is not a time', participantEvent('joined', EVENT, { email: 'ada@example.com' }, 'not-a-time-at-all')],
    ['a leave without a participant', { event: 'meeting.participant_left', event_ts: START, payload: { object: { id: EVENT } } }],
    // (An end without end_time is read at event_ts since issue 13: see lenient.test.ts.)
    [
      'an end whose end_time is not a time',
      { event: 'webinar.ended', event_ts: START, payload: { object: { id: EVENT, end_time: 'soon' } } },
    ],
    ['an event without an id', { event: 'meeting.ended', event_ts: START, payload: { object: { end_time: '2026-11-20T16:00:00Z' } } }],
    ['a challenge without plainToken', { event: 'endpoint.url_validation', event_ts: START, payload: {} }],
  ])('when %s is received, then it is refused as BODY_INVALID', (_what, body) => {
    const error = refusal(() => receive(body));
    expect(error.code).toBe('BODY_INVALID');
    expect(error.statusCode).toBe(400);
  });

  it('when a malformed payload is refused, then the message names the bad field', () => {
    const body = { event: 'webinar.ended', event_ts: START, payload: { object: { id: EVENT, end_time: 'soon' } } };
    expect(refusal(() => receive(body)).message).toContain('end_time');
  });
});
