import { describe, expect, it } from 'vitest';
import { reportWebhooks, type ReportInput } from '../../src/reconcile/report-webhooks.js';
import { jobsForStoredWebhooks } from '../../src/reconcile/schedule.js';
import { settlementForFailure, NOT_READY_LIMIT_MS } from '../../src/reconcile/outcome.js';
import { encodeInstanceId } from '../../src/sources/zoom/api/client.js';
import { ZoomApiError } from '../../src/sources/zoom/api/errors.js';
import { zoomFacts } from '../../src/sources/zoom/map.js';
import type { ReconcileJob } from '../../src/store/ports.js';

const T0 = Date.parse('2026-11-20T15:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const input = (over: Partial<ReportInput>): ReportInput => ({
  sourceId: 'zoom',
  kind: 'webinar',
  zoomId: '81',
  uuid: 'u-1',
  participants: [],
  registrants: [],
  known: [],
  knownRegistrants: new Set(),
  now: T0 + 7_200_000,
  ...over,
});
const events = (webhooks: Array<{ body: string }>) => webhooks.map((w) => JSON.parse(w.body).event as string);

describe('reportWebhooks (a report into the webhooks Zoom would have sent)', () => {
  it('when a participant rejoined, then all leaves come before all joins and each reads back as the fact Zoom would send', () => {
    const participants = [
      { user_email: 'Ada@Example.com', join_time: iso(T0), leave_time: iso(T0 + 600_000) },
      { user_email: 'ada@example.com', join_time: iso(T0 + 900_000), leave_time: iso(T0 + 3_000_000) },
    ];
    const { webhooks, counts } = reportWebhooks(input({ participants }));
    expect(events(webhooks)).toEqual([
      'webinar.participant_left',
      'webinar.participant_left',
      'webinar.participant_joined',
      'webinar.participant_joined',
    ]);
    expect(counts).toMatchObject({ participants: 2, added: 4, alreadyKnown: 0 });
    const facts = webhooks.flatMap((w) => zoomFacts(JSON.parse(w.body)));
    expect(facts[2]).toMatchObject({
      kind: 'joined',
      sourceEventId: '81',
      occurrence: 'u-1',
      occurredAt: T0,
      contact: { email: 'ada@example.com' },
    });
  });

  it('when the same report is read twice, then the dedup keys are the same', () => {
    const participants = [{ user_email: 'a@example.com', join_time: iso(T0), leave_time: iso(T0 + 60_000) }];
    expect(reportWebhooks(input({ participants })).webhooks.map((w) => w.dedupKey)).toEqual(
      reportWebhooks(input({ participants, now: T0 + 9_999_999 })).webhooks.map((w) => w.dedupKey),
    );
  });

  it('when the relay already has the whole span, then the person is counted known and nothing is stored', () => {
    const participants = [{ user_email: 'a@example.com', join_time: iso(T0), leave_time: iso(T0 + 60_000) }];
    const { webhooks, counts } = reportWebhooks(
      input({ participants, known: [{ email: 'a@example.com', firstJoin: T0, lastLeave: T0 + 60_000 }] }),
    );
    expect(webhooks).toEqual([]);
    expect(counts).toMatchObject({ alreadyKnown: 1, added: 0 });
  });

  it('when a row has no email, then the registrant with its registrant_id gives it, else it is counted without email', () => {
    const participants = [
      { join_time: iso(T0), leave_time: iso(T0 + 60_000), registrant_id: 'r-1' },
      { join_time: iso(T0), leave_time: iso(T0 + 60_000), name: 'Guest' },
    ];
    const registrants = [
      { id: 'r-1', email: 'reg@example.com' },
      { id: 'r-2', email: 'known@example.com' },
    ];
    const { webhooks, counts } = reportWebhooks(input({ participants, registrants, knownRegistrants: new Set(['registrant:r-2']) }));
    expect(counts).toMatchObject({ withoutEmail: 1, registrants: 1 });
    expect(events(webhooks)[0]).toBe('webinar.registration_created');
    expect(JSON.parse(webhooks[1]?.body as string).payload.object.participant.email).toBe('reg@example.com');
  });
});

describe('jobsForStoredWebhooks', () => {
  const settings = new Map([['zoom', { afterEndMinutes: 30, missedEndHours: 6 }]]);
  const stored = (body: object, sourceId = 'zoom') => ({ sourceId, dedupKey: 'k', receivedAt: T0, body: JSON.stringify(body) });

  it('when an ended is stored, then its instance is due afterEndMinutes later; a registration schedules the missed-end check', () => {
    const jobs = jobsForStoredWebhooks(
      [
        stored({ event: 'meeting.ended', event_ts: T0, payload: { object: { id: 5, uuid: '/ab//c' } } }),
        stored({
          event: 'webinar.registration_created',
          event_ts: T0,
          payload: { object: { id: 6, start_time: iso(T0), duration: 60, registrant: {} } },
        }),
        stored({ event: 'webinar.ended', event_ts: T0, payload: { object: { id: 7 } } }, 'other-source'),
      ],
      settings,
      T0,
    );
    expect(jobs).toEqual([
      { sourceId: 'zoom', zoomId: '5', uuid: '/ab//c', kind: 'meeting', reason: 'ended', dueAt: T0 + 30 * 60_000 },
      { sourceId: 'zoom', zoomId: '6', uuid: '', kind: 'webinar', reason: 'missed-end', dueAt: T0 + 3_600_000 + 6 * 3_600_000 },
    ]);
  });
});

describe('settlementForFailure and encodeInstanceId', () => {
  const job = { attempts: 0 } as ReconcileJob;
  it('when Zoom says 429 with a date-time, then the job waits until then without spending an attempt', () => {
    const error = new ZoomApiError('rate-limit', 'daily', 429, 3_600_000);
    expect(settlementForFailure(job, error, T0)).toMatchObject({ status: 'retry', dueAt: T0 + 3_600_000, countAttempt: false });
  });
  it('when the report is not ready for 24 h, then the job is dead; before that it is retried', () => {
    const error = new ZoomApiError('not-ready', 'Webinar does not exist', 404);
    expect(settlementForFailure(job, error, T0, () => 0.5)).toMatchObject({ status: 'retry', notReadySince: T0 });
    expect(settlementForFailure({ ...job, notReadySince: T0 }, error, T0 + NOT_READY_LIMIT_MS).status).toBe('dead');
  });
  it('when Zoom refuses with a scope message, then the job is dead with plain words', () => {
    const error = new ZoomApiError('scope', 'Invalid access token, does not contain scopes:[report:read:admin]', 400);
    expect(settlementForFailure(job, error, T0)).toMatchObject({ status: 'dead', error: expect.stringContaining('add report:read:admin') });
  });
  it('when a uuid begins with / or contains //, then it is encoded twice, else once', () => {
    expect(encodeInstanceId('/abc==')).toBe('%252Fabc%253D%253D');
    expect(encodeInstanceId('ab//c')).toBe('ab%252F%252Fc');
    expect(encodeInstanceId('a/bc')).toBe('a%2Fbc');
    expect(encodeInstanceId('81000000001')).toBe('81000000001');
  });
});
