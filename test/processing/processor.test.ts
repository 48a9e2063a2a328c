import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookProcessor } from '../../src/processing/processor.js';
import { EventMappings } from '../../src/domain/event-mappings.js';
import type { AttendanceInput } from '../../src/domain/facts.js';
import type { Source } from '../../src/sources/types.js';
import { createZoomSource } from '../../src/sources/zoom/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { DeliveryGroup, Store } from '../../src/store/ports.js';
import type { Log } from '../../src/support/log.js';
import { tempDir } from '../support/temp.js';
import { endedEvent, participantEvent, registrationEvent, type Person } from '../support/zoom.js';

const SOURCE = 'zoom';
const WEBINAR = '81234567890'; // mapped to HubSpot object 555
const MEETING = '92233720368'; // mapped to HubSpot object 777
const UNMAPPED = '70000000001'; // no mapping
const TARGET = 'object:555';
const HOUR = 3_600_000;

// registrationEvent schedules every event at 2026-11-20T15:00:00Z for 60 minutes.
const SCHEDULED_END = '2026-11-20T16:00:00.000Z';
const at = (hhmm: string) => `2026-11-20T${hhmm}:00Z`;
const iso = (hhmm: string) => new Date(at(hhmm)).toISOString();
const ms = (hhmm: string) => Date.parse(at(hhmm));

interface Row {
  state: string;
  email: string;
  status: string;
  input: AttendanceInput;
  target_key: string | null;
}

let dir: { dir: string; remove: () => void };
let dbFile: string;
let store: Store;
let now: number;
let notified: DeliveryGroup[];
let dedup = 0;

function processor(sources: Source[] = [zoom()]): WebhookProcessor {
  return new WebhookProcessor({
    store,
    sources: new Map(sources.map((s) => [s.id, s])),
    mappings: () =>
      new EventMappings([
        { source: SOURCE, sourceEventId: WEBINAR, hubspot: { objectId: '555' } },
        { source: SOURCE, sourceEventId: MEETING, hubspot: { objectId: '777' } },
      ]),
    log: pino({ level: 'silent' }) as unknown as Log,
    onRecords: (groups) => notified.push(...groups),
    now: () => now,
    maxEventTimeAheadMs: 15 * 60_000,
  });
}

function zoom(sessionTimeoutHours = 12): Source {
  return createZoomSource({
    id: SOURCE,
    type: 'zoom',
    secretToken: 'processor-secret',
    timestampToleranceSeconds: 5400,
    sessionTimeoutHours,
  });
}

/** Stores Zoom webhook bodies in the inbox, in order, as the intake would. */
async function receive(...bodies: unknown[]): Promise<void> {
  await store.insertWebhooks(
    bodies.map((body) => ({ sourceId: SOURCE, dedupKey: `webhook-${++dedup}`, receivedAt: now, body: JSON.stringify(body) })),
  );
}

/** Stores the webhooks and runs one processing round over them. */
async function round(...bodies: unknown[]): Promise<void> {
  await receive(...bodies);
  await processor().processRound();
}

function query<T>(sql: string): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Every record, as stored for delivery to HubSpot. */
function records(): Row[] {
  return query<Omit<Row, 'input'> & { input: string }>('SELECT state, email, status, input, target_key FROM records ORDER BY id').map(
    (r) => ({
      ...r,
      input: JSON.parse(r.input) as AttendanceInput,
    }),
  );
}

/** Records that would still be sent to HubSpot. */
const pending = () => records().filter((r) => r.status === 'pending');

function inboxOutcomes(): Array<Record<string, unknown> | null> {
  return query<{ outcome: string | null }>('SELECT outcome FROM inbox ORDER BY id').map((r) => (r.outcome ? JSON.parse(r.outcome) : null));
}

const ada: Person = { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', registrantId: 'reg-ada' };
const joined = (email: string, hhmm: string, eventId = WEBINAR, scope: 'webinar' | 'meeting' = 'webinar') =>
  participantEvent('joined', eventId, { email, userName: 'Grace Brewster Hopper' }, at(hhmm), scope);
const left = (email: string, hhmm: string, eventId = WEBINAR, scope: 'webinar' | 'meeting' = 'webinar') =>
  participantEvent('left', eventId, { email, userName: 'Grace Brewster Hopper' }, at(hhmm), scope);

beforeEach(async () => {
  dir = tempDir('processor-test-');
  dbFile = join(dir.dir, 'relay.db');
  store = openSqliteStore(`sqlite:${dbFile}`);
  await store.migrate();
  now = Date.parse('2026-11-20T17:00:00Z');
  notified = [];
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

describe('registrations', () => {
  it.each([
    ['created', 'register'],
    ['approved', 'register'],
    ['cancelled', 'cancel'],
    ['denied', 'cancel'],
  ] as const)('when webinar.registration_%s is processed, then one %s record for HubSpot is pending', async (action, state) => {
    const eventTs = Date.parse('2026-11-01T09:30:00Z');
    await round(registrationEvent(action, WEBINAR, ada, eventTs));
    expect(records()).toEqual([
      {
        state,
        email: 'ada@example.com',
        status: 'pending',
        target_key: TARGET,
        input: {
          email: 'ada@example.com',
          interactionDateTime: eventTs,
          properties: {},
          contactProperties: { firstname: 'Ada', lastname: 'Lovelace' },
        },
      },
    ]);
    expect(notified).toContainEqual({ targetKey: TARGET, state });
  });

  it('when a registrant gives company, job title, phone, city and country, then they are sent as string contact properties', async () => {
    const full: Person = {
      ...ada,
      org: 'Analytical Engines Ltd',
      jobTitle: 'Programmer',
      phone: '+44 20 7946 0000',
      city: 'London',
      country: 'GB',
    };
    await round(registrationEvent('created', WEBINAR, full));
    expect(records()[0]?.input.contactProperties).toEqual({
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical Engines Ltd',
      jobtitle: 'Programmer',
      phone: '+44 20 7946 0000',
      city: 'London',
      country: 'GB',
    });
  });

  it('when the registration email has spaces and capitals, then the record carries it trimmed and lower-cased', async () => {
    await round(registrationEvent('created', WEBINAR, { ...ada, email: '  Ada.Lovelace@EXAMPLE.com ' }));
    expect(records().map((r) => [r.email, r.input.email])).toEqual([['ada.lovelace@example.com', 'ada.lovelace@example.com']]);
  });

  it('when the registration email is not an address, then no record is made and the webhook is still processed', async () => {
    await round(registrationEvent('created', WEBINAR, { ...ada, email: 'not-an-email' }));
    expect(records()).toEqual([]);
    expect(inboxOutcomes()).toEqual([expect.objectContaining({ records: 0 })]);
  });
});

describe('attendance (join and leave)', () => {
  it('when the join and the leave are processed in separate rounds, then one attend is made after the leave with ISO joinedAt/leftAt', async () => {
    await round(joined('grace@example.com', '15:05'));
    expect(records()).toEqual([]);

    await round(left('grace@example.com', '15:50'));
    const [attend, ...rest] = records();
    expect(rest).toEqual([]);
    expect(attend).toMatchObject({ state: 'attend', email: 'grace@example.com', status: 'pending', target_key: TARGET });
    expect(attend?.input.properties).toEqual({ joinedAt: iso('15:05'), leftAt: iso('15:50') });
    expect(attend?.input.contactProperties).toEqual({ firstname: 'Grace', lastname: 'Brewster Hopper' });
    expect(attend?.input.interactionDateTime).toBeGreaterThanOrEqual(ms('15:05'));
    expect(attend?.input.interactionDateTime).toBeLessThanOrEqual(ms('15:50'));
  });

  it('when the join and the leave are processed in the same round, then they pair into one attend', async () => {
    await round(joined('grace@example.com', '15:05'), left('grace@example.com', '15:50'));
    expect(records()).toEqual([
      expect.objectContaining({
        state: 'attend',
        status: 'pending',
        input: expect.objectContaining({ properties: { joinedAt: iso('15:05'), leftAt: iso('15:50') } }),
      }),
    ]);
  });

  it('when the leave arrives before the join, then they still pair into one attend', async () => {
    await round(left('grace@example.com', '15:50'));
    expect(records()).toEqual([]);
    await round(joined('grace@example.com', '15:05'));
    expect(records().map((r) => [r.state, r.input.properties])).toEqual([['attend', { joinedAt: iso('15:05'), leftAt: iso('15:50') }]]);
  });

  it('when the participant email has capitals, then the attend is sent lower-cased', async () => {
    await round(joined(' Grace@Example.COM', '15:05'), left('grace@example.com ', '15:50'));
    expect(records().map((r) => [r.email, r.input.email])).toEqual([['grace@example.com', 'grace@example.com']]);
  });

  it('when a participant rejoins, then the attend is re-sent from the first join to the last leave and the older unsent one is superseded', async () => {
    await round(joined('grace@example.com', '15:05'), left('grace@example.com', '15:20'));
    expect(pending().map((r) => r.input.properties)).toEqual([{ joinedAt: iso('15:05'), leftAt: iso('15:20') }]);

    await round(joined('grace@example.com', '15:30'));
    await round(left('grace@example.com', '15:55'));
    expect(records().map((r) => [r.state, r.status, r.input.properties])).toEqual([
      ['attend', 'superseded', { joinedAt: iso('15:05'), leftAt: iso('15:20') }],
      ['attend', 'pending', { joinedAt: iso('15:05'), leftAt: iso('15:55') }],
    ]);
  });

  it('when a participant joins, leaves, rejoins and leaves within one round, then only the full span is left to send', async () => {
    await round(
      joined('grace@example.com', '15:05'),
      left('grace@example.com', '15:20'),
      joined('grace@example.com', '15:30'),
      left('grace@example.com', '15:55'),
    );
    expect(pending().map((r) => [r.state, r.input.properties])).toEqual([['attend', { joinedAt: iso('15:05'), leftAt: iso('15:55') }]]);
  });

  it('when the first attend was already delivered and the participant rejoins, then the longer attend is sent again', async () => {
    await round(joined('grace@example.com', '15:05'), left('grace@example.com', '15:20'));
    const claim = await store.claimBatch({ targetKey: TARGET, state: 'attend' }, { now, batchSize: 100, batchWaitMs: 0, leaseMs: 60_000 });
    if (claim.kind !== 'claimed') throw new Error(`expected a claimed batch, got ${claim.kind}`);
    await store.completeDeliveries(
      claim.records.map((r) => ({ id: r.id, kind: 'delivered' as const })),
      now,
    );

    await round(joined('grace@example.com', '15:30'), left('grace@example.com', '15:55'));
    expect(records().map((r) => [r.status, r.input.properties])).toEqual([
      ['delivered', { joinedAt: iso('15:05'), leftAt: iso('15:20') }],
      ['pending', { joinedAt: iso('15:05'), leftAt: iso('15:55') }],
    ]);
  });

  it("when two people attend, then a rejoin by one does not supersede the other's attend", async () => {
    await round(
      joined('grace@example.com', '15:05'),
      left('grace@example.com', '15:20'),
      joined('ada@example.com', '15:06'),
      left('ada@example.com', '15:21'),
    );
    await round(joined('grace@example.com', '15:30'), left('grace@example.com', '15:55'));
    expect(
      pending()
        .map((r) => [r.email, r.input.properties.leftAt])
        .sort(),
    ).toEqual([
      ['ada@example.com', iso('15:21')],
      ['grace@example.com', iso('15:55')],
    ]);
  });

  it('when the same leave is processed again, then no second attend is made', async () => {
    await round(joined('grace@example.com', '15:05'), left('grace@example.com', '15:50'));
    await round(left('grace@example.com', '15:50'));
    expect(records()).toHaveLength(1);
  });
});

describe('event end and stale sessions', () => {
  it('when webinar.ended arrives, then participants still in are closed at the end time and those who left are not re-sent', async () => {
    await round(joined('grace@example.com', '15:05'), joined('ada@example.com', '15:06'), left('ada@example.com', '15:30'));
    await round(endedEvent(WEBINAR, at('15:00'), at('16:05')));
    expect(records().map((r) => [r.email, r.state, r.status, r.input.properties])).toEqual([
      ['ada@example.com', 'attend', 'pending', { joinedAt: iso('15:06'), leftAt: iso('15:30') }],
      ['grace@example.com', 'attend', 'pending', { joinedAt: iso('15:05'), leftAt: iso('16:05') }],
    ]);
  });

  it('when the join and the end arrive in the same round, then the session is closed at the end time', async () => {
    await round(joined('grace@example.com', '15:05'), endedEvent(WEBINAR, at('15:00'), at('16:05')));
    expect(records().map((r) => r.input.properties)).toEqual([{ joinedAt: iso('15:05'), leftAt: iso('16:05') }]);
  });

  it('when the end of another event arrives, then open sessions of this event stay open', async () => {
    await round(joined('grace@example.com', '15:05'), endedEvent(MEETING, at('15:00'), at('16:05'), 'meeting'));
    expect(records()).toEqual([]);
  });

  it('when nobody leaves and the event never ends, then the session is closed at the scheduled end once the timeout has passed (and not before)', async () => {
    await round(registrationEvent('created', WEBINAR, ada), joined('grace@example.com', '15:05'));
    const registrations = records().length;

    now = ms('15:05') + 11 * HOUR;
    expect(await processor().closeStaleSessions()).toBe(0);
    expect(records()).toHaveLength(registrations);

    now = ms('15:05') + 13 * HOUR;
    await processor().closeStaleSessions();
    const attends = records().filter((r) => r.state === 'attend');
    expect(attends.map((r) => [r.email, r.status, r.input.properties])).toEqual([
      ['grace@example.com', 'pending', { joinedAt: iso('15:05'), leftAt: SCHEDULED_END }],
    ]);
  });

  it('when the schedule is learned from webinar.started, then a stale session is closed at start_time + duration', async () => {
    const started = {
      event: 'webinar.started',
      event_ts: ms('15:00'),
      payload: { account_id: 'a', object: { id: WEBINAR, uuid: 'u', start_time: at('15:00'), duration: 90 } },
    };
    await round(started, joined('grace@example.com', '15:05'));
    now = ms('15:05') + 13 * HOUR;
    await processor().closeStaleSessions();
    expect(records().map((r) => r.input.properties)).toEqual([{ joinedAt: iso('15:05'), leftAt: iso('16:30') }]);
  });

  it('when the source session timeout is 2 hours, then a session is closed after 2 hours, not 12', async () => {
    await receive(registrationEvent('created', WEBINAR, ada), joined('grace@example.com', '15:05'));
    await processor([zoom(2)]).processRound();
    now = ms('15:05') + 3 * HOUR;
    await processor([zoom(2)]).closeStaleSessions();
    expect(
      records()
        .filter((r) => r.state === 'attend')
        .map((r) => r.input.properties),
    ).toEqual([{ joinedAt: iso('15:05'), leftAt: SCHEDULED_END }]);
  });

  it('when a session was closed by its leave, then the stale sweep sends nothing more', async () => {
    await round(joined('grace@example.com', '15:05'), left('grace@example.com', '15:50'));
    now = ms('15:05') + 13 * HOUR;
    expect(await processor().closeStaleSessions()).toBe(0);
    expect(records()).toHaveLength(1);
  });
});

describe('participants without an email', () => {
  it('when a participant has no email but registered earlier with the same registrant_id, then the attend uses the registration email and details', async () => {
    await round(registrationEvent('created', WEBINAR, { ...ada, email: 'Ada@Example.com', org: 'AEL' }));
    await round(
      participantEvent('joined', WEBINAR, { registrantId: 'reg-ada', userName: 'ada-laptop' }, at('15:05')),
      participantEvent('left', WEBINAR, { registrantId: 'reg-ada', userName: 'ada-laptop' }, at('15:45')),
    );
    const attend = records().find((r) => r.state === 'attend');
    expect(attend).toMatchObject({ email: 'ada@example.com', status: 'pending', target_key: TARGET });
    expect(attend?.input.email).toBe('ada@example.com');
    expect(attend?.input.properties).toEqual({ joinedAt: iso('15:05'), leftAt: iso('15:45') });
    expect(attend?.input.contactProperties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace', company: 'AEL' });
  });

  it('when the registration and the email-less join are in the same round, then the join still finds the registration', async () => {
    await round(
      registrationEvent('approved', WEBINAR, ada),
      participantEvent('joined', WEBINAR, { registrantId: 'reg-ada' }, at('15:05')),
      participantEvent('left', WEBINAR, { registrantId: 'reg-ada' }, at('15:45')),
    );
    expect(records().map((r) => [r.state, r.email])).toEqual([
      ['register', 'ada@example.com'],
      ['attend', 'ada@example.com'],
    ]);
  });

  it('when a guest has no email and no registration, then no record is made and the guest is counted', async () => {
    await round(
      participantEvent('joined', WEBINAR, { userName: 'Guest' }, at('15:05')),
      participantEvent('left', WEBINAR, { userName: 'Guest' }, at('15:45')),
    );
    expect(records()).toEqual([]);
    expect(inboxOutcomes()).toEqual([
      expect.objectContaining({ records: 0, guests: 1 }),
      expect.objectContaining({ records: 0, guests: 1 }),
    ]);
  });

  it('when a participant has an unknown registrant_id and no email, then it is a guest', async () => {
    await round(registrationEvent('created', WEBINAR, ada));
    await round(
      participantEvent('joined', WEBINAR, { registrantId: 'reg-someone-else' }, at('15:05')),
      participantEvent('left', WEBINAR, { registrantId: 'reg-someone-else' }, at('15:45')),
    );
    expect(records().filter((r) => r.state === 'attend')).toEqual([]);
  });
});

describe('webhooks of sources this relay does not have', () => {
  it('when hundreds of them lead the inbox, then a round still processes its own behind them and leaves them unprocessed', async () => {
    const foreign = Array.from({ length: 250 }, (_, i) => ({
      sourceId: 'zoom2',
      dedupKey: `foreign-${i}`,
      receivedAt: now,
      body: JSON.stringify(registrationEvent('created', WEBINAR, { email: `f${i}@example.com` })),
    }));
    await store.insertWebhooks(foreign);
    await round(registrationEvent('created', WEBINAR, ada));
    expect(records().map((r) => r.email)).toEqual(['ada@example.com']);
    expect(await store.unprocessedWebhooks(1000)).toHaveLength(250);
    expect(await store.countWaitingWebhooks(['zoom', 'hubspot-intake'])).toEqual({ zoom2: 250 });
  });

  it('when an earlier relay dropped some for want of their source, then the sweep makes them unprocessed again and a relay with the source processes them', async () => {
    const [dropped] = await store.insertWebhooks([
      { sourceId: SOURCE, dedupKey: 'dropped', receivedAt: now, body: JSON.stringify(registrationEvent('created', WEBINAR, ada)) },
    ]);
    await store.commitEffects(
      {
        processed: [{ inboxId: dropped!.id, outcome: JSON.stringify({ error: `source ${SOURCE} is not configured` }) }],
        contacts: [],
        sessions: [],
        sourceEvents: [],
        records: [],
      },
      now,
    );
    await processor().sweep();
    await processor().processRound();
    expect(records().map((r) => [r.state, r.email])).toEqual([['register', 'ada@example.com']]);
  });
});

describe('unmapped and ignored events', () => {
  it('when an event has no mapping, then its records are kept as unmapped with no target', async () => {
    await round(
      registrationEvent('created', UNMAPPED, ada),
      joined('grace@example.com', '15:05', UNMAPPED),
      left('grace@example.com', '15:45', UNMAPPED),
    );
    expect(records().map((r) => [r.state, r.status, r.target_key])).toEqual([
      ['register', 'unmapped', null],
      ['attend', 'unmapped', null],
    ]);
    expect(notified).toEqual([]);
  });

  it.each(['meeting.sharing_started', 'webinar.updated', 'recording.completed', 'webinar.participant_joined_breakout_room'])(
    'when %s is processed, then nothing is sent and the webhook is marked processed',
    async (event) => {
      await round({
        event,
        event_ts: ms('15:00'),
        payload: { account_id: 'a', object: { id: WEBINAR, participant: { email: 'grace@example.com', join_time: at('15:00') } } },
      });
      expect(records()).toEqual([]);
      expect(inboxOutcomes()).toEqual([expect.objectContaining({ records: 0 })]);
      expect(await store.unprocessedWebhooks(10)).toEqual([]);
    },
  );
});

describe('meeting.* events', () => {
  it('when meeting registrations, joins, leaves and the end arrive, then they map exactly like webinar ones', async () => {
    const bob: Person = { email: 'bob@example.com', firstName: 'Bob', registrantId: 'reg-bob' };
    await round(
      registrationEvent('created', MEETING, ada, ms('09:00'), 'meeting'),
      registrationEvent('cancelled', MEETING, bob, ms('09:30'), 'meeting'),
      joined('grace@example.com', '15:05', MEETING, 'meeting'),
      left('grace@example.com', '15:40', MEETING, 'meeting'),
      joined('ada@example.com', '15:10', MEETING, 'meeting'),
      endedEvent(MEETING, at('15:00'), at('16:02'), 'meeting'),
    );
    expect(records().map((r) => [r.state, r.email, r.status, r.target_key, r.input.properties])).toEqual([
      ['register', 'ada@example.com', 'pending', 'object:777', {}],
      ['cancel', 'bob@example.com', 'pending', 'object:777', {}],
      ['attend', 'grace@example.com', 'pending', 'object:777', { joinedAt: iso('15:05'), leftAt: iso('15:40') }],
      ['attend', 'ada@example.com', 'pending', 'object:777', { joinedAt: iso('15:10'), leftAt: iso('16:02') }],
    ]);
  });
});
