import { describe, expect, it } from 'vitest';
import { judgeBatch, type OutcomeContext } from '../../src/delivery/batch-verdict.js';
import type { HubspotAnswer, HubspotStandardError, ReceivedBatchResponse } from '../../src/hubspot/types.js';
import type { DeliveryRecord } from '../../src/store/ports.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const HOUR = 3_600_000;
/** The jitter's middle draw: the first reschedule lands 3.75 s out (5 s ceiling, equal jitter). */
const ctx: OutcomeContext = { now: NOW, maxAgeMs: 72 * HOUR, random: () => 0.5 };
const FIRST_RETRY_AT = NOW + 3750;

/** Stored emails are normalised to lower case; HubSpot may answer them in any case. */
function records(...emails: string[]): DeliveryRecord[] {
  return emails.map((email, i) => ({
    id: i + 1,
    sourceId: 'zoom',
    sourceEventId: '9001',
    targetKey: 'object:123',
    state: 'register',
    email,
    occurredAt: NOW - HOUR,
    input: { email, interactionDateTime: NOW - HOUR, properties: {}, contactProperties: {} },
    attempts: 0,
    createdAt: NOW - HOUR,
    receivedAt: NOW - HOUR,
  }));
}

const ok = (body: ReceivedBatchResponse): HubspotAnswer => ({ kind: 'ok', status: 200, body });
const invalid = (error: Partial<HubspotStandardError>): HubspotStandardError => ({
  status: 'error',
  category: 'VALIDATION_ERROR',
  ...error,
});

describe('judgeBatch: which input an error is about', () => {
  it.each([
    ['a dotted address named in context', 'first.last@example.com', { context: { emails: ['first.last@example.com'] } }],
    [
      'an address with an apostrophe, quoted with apostrophes',
      "o'brien@example.com",
      { message: "Email 'o'brien@example.com' is not valid" },
    ],
    ['an address with a plus tag, in double quotes', 'ada+events@example.com', { message: 'Email "ada+events@example.com" is not valid' }],
    ['an address at the end of a sentence', 'bob@example.com', { message: 'Invalid email: bob@example.com.' }],
    ['an address in mixed case in the message', 'carol.d@example.com', { message: 'Invalid email Carol.D@Example.COM' }],
    ['an address in mixed case in context', 'carol.d@example.com', { context: { emails: [' Carol.D@Example.com '] } }],
    ['a quoted local part named in context', '"john doe"@example.com', { context: { emails: ['"John Doe"@example.com'] } }],
  ])('when HubSpot refuses %s then only that record is dead-lettered with its words', (_what, bad, error) => {
    const batch = records('someone.else@example.com', bad);
    const verdict = judgeBatch(
      batch,
      ok({ status: 'COMPLETE', results: [{ email: 'someone.else@example.com', vid: 7 }], errors: [invalid(error)] }),
      ctx,
    );
    expect(verdict.outcomes).toEqual([
      { id: 1, kind: 'delivered', vid: 7 },
      { id: 2, kind: 'dead', error: expect.stringContaining('VALIDATION_ERROR') },
    ]);
  });

  it.each([
    ['a longer address ending in it', 'ann@example.com', 'Invalid email joann@example.com'],
    ['a longer address starting with it', 'ann@example.co', 'Invalid email ann@example.com'],
    ['the same address with a plus tag', 'ann@example.com', 'Invalid email ann+x@example.com'],
  ])('when an error names %s then the record is not blamed for it', (_what, email, message) => {
    const verdict = judgeBatch(records(email), ok({ status: 'COMPLETE', results: [], errors: [invalid({ message })] }), ctx);
    expect(verdict.outcomes).toEqual([
      { id: 1, kind: 'retry', error: 'HubSpot reported 1 error(s) naming no input', notBefore: FIRST_RETRY_AT, countAttempt: true },
    ]);
  });

  it('when HubSpot answers an address in another case then the record is delivered with its vid', () => {
    const verdict = judgeBatch(
      records("mary.o'neil+vip@example.com"),
      ok({ status: 'COMPLETE', results: [{ email: "Mary.O'Neil+VIP@Example.com", vid: 42 }] }),
      ctx,
    );
    expect(verdict.outcomes).toEqual([{ id: 1, kind: 'delivered', vid: 42 }]);
  });

  it('when an error other than validation names a record then it is retried later, spending an attempt', () => {
    const error = { status: 'error', category: 'RATE_LIMITS', subCategory: 'SECONDLY', message: 'slow down for a.b@example.com' };
    const verdict = judgeBatch(records('a.b@example.com'), ok({ status: 'COMPLETE', results: [], errors: [error] }), ctx);
    expect(verdict.outcomes).toEqual([
      { id: 1, kind: 'retry', error: 'RATE_LIMITS/SECONDLY: slow down for a.b@example.com', notBefore: FIRST_RETRY_AT, countAttempt: true },
    ]);
  });

  it('when HubSpot accepts an input without a result or an error then it counts as delivered, without a vid', () => {
    expect(judgeBatch(records('quiet@example.com'), ok({ status: 'COMPLETE' }), ctx).outcomes).toEqual([{ id: 1, kind: 'delivered' }]);
  });
});

describe('judgeBatch: the whole batch', () => {
  const three = records('a@example.com', 'b@example.com', 'c@example.com');

  it('when a batch of three is refused with 400 then it is split into two and one to find the bad input', () => {
    const verdict = judgeBatch(three, { kind: 'rejected', status: 400, message: 'bad input' }, ctx);
    expect(verdict.outcomes).toEqual([]);
    expect(verdict.split?.map((half) => half.map((r) => r.email))).toEqual([['a@example.com', 'b@example.com'], ['c@example.com']]);
  });

  it.each([
    [
      'a single input refused with 400',
      records('a@example.com'),
      { kind: 'rejected', status: 400, message: 'bad input' },
      'HTTP 400: bad input',
    ],
    ['a 404 for an unknown event', three, { kind: 'failed', status: 404, message: 'no such event' }, 'HTTP 404: no such event'],
  ] as const)('when %s then every record is dead-lettered with the HTTP status and message', (_what, batch, answer, error) => {
    expect(judgeBatch([...batch], answer, ctx).outcomes).toEqual(batch.map((r) => ({ id: r.id, kind: 'dead', error })));
  });

  it.each<[string, HubspotAnswer, string]>([
    [
      'the token is refused',
      { kind: 'auth', status: 401, category: 'INVALID_AUTHENTICATION', message: 'expired', scopes: [] },
      'HTTP 401: expired',
    ],
    ['HubSpot answers 429', { kind: 'rate-limited', status: 429, policy: 'DAILY', message: 'daily limit' }, 'HTTP 429: daily limit'],
  ])('when %s then the records wait for the pause to end without spending an attempt', (_what, answer, error) => {
    expect(judgeBatch(three, answer, ctx).outcomes).toEqual(
      three.map((r) => ({ id: r.id, kind: 'retry', error, notBefore: NOW, countAttempt: false })),
    );
  });

  it('when the tries ran out on a 503 then the records come back later, spending an attempt', () => {
    const verdict = judgeBatch(three, { kind: 'transient', status: 503, message: 'Service Unavailable' }, ctx);
    expect(verdict.outcomes).toEqual(
      three.map((r) => ({
        id: r.id,
        kind: 'retry',
        error: 'HTTP 503: Service Unavailable',
        notBefore: FIRST_RETRY_AT,
        countAttempt: true,
      })),
    );
  });

  it('when a record is older than the delivery age limit and fails again then it is dead-lettered with the last error', () => {
    const [old] = records('late@example.com');
    const verdict = judgeBatch([{ ...old!, createdAt: NOW - 73 * HOUR }], { kind: 'transient', message: 'ECONNRESET' }, ctx);
    expect(verdict.outcomes).toEqual([{ id: 1, kind: 'dead', error: 'undelivered after 72 h; last error: ECONNRESET' }]);
  });
});
