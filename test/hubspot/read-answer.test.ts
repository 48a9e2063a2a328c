import { describe, expect, it } from 'vitest';
import { classifyAnswer, readRateLimitHeaders } from '../../src/hubspot/read-answer.js';

const batch = { status: 'COMPLETE', results: [{ email: 'ada@example.com', vid: 1 }] };

describe('classifyAnswer: what the relay does with each HubSpot answer', () => {
  it.each([
    ['200 with a batch', 200, {}, batch, { kind: 'ok', status: 200, body: batch }],
    ['207 multi-status', 207, {}, batch, { kind: 'ok', status: 207, body: batch }],
    [
      '400 invalid batch',
      400,
      {},
      { message: 'Invalid input', correlationId: 'c-1' },
      { kind: 'rejected', status: 400, message: 'Invalid input', correlationId: 'c-1' },
    ],
    ['404 unknown event', 404, {}, { message: 'Not found' }, { kind: 'failed', status: 404, message: 'Not found' }],
    ['409 conflict', 409, {}, {}, { kind: 'failed', status: 409, message: 'HTTP 409' }],
    ['500 error', 500, {}, { message: 'Internal' }, { kind: 'transient', status: 500, message: 'Internal' }],
    ['503 with Retry-After', 503, { 'retry-after': '7' }, {}, { kind: 'transient', status: 503, message: 'HTTP 503', retryAfterMs: 7000 }],
    ['408 timeout', 408, {}, {}, { kind: 'transient', status: 408, message: 'HTTP 408' }],
    [
      '423 Locked without Retry-After (HubSpot asks for 2 s)',
      423,
      {},
      {},
      { kind: 'transient', status: 423, message: 'HTTP 423', retryAfterMs: 2000 },
    ],
    [
      '423 Locked with Retry-After',
      423,
      { 'retry-after': '5' },
      {},
      { kind: 'transient', status: 423, message: 'HTTP 423', retryAfterMs: 5000 },
    ],
    [
      '429 TEN_SECONDLY_ROLLING',
      429,
      {},
      { policyName: 'TEN_SECONDLY_ROLLING', message: 'slow' },
      { kind: 'rate-limited', status: 429, policy: 'TEN_SECONDLY_ROLLING', message: 'slow' },
    ],
    [
      '429 DAILY with Retry-After',
      429,
      { 'retry-after': '60' },
      { policyName: 'DAILY' },
      { kind: 'rate-limited', status: 429, policy: 'DAILY', message: 'HTTP 429', retryAfterMs: 60_000 },
    ],
    ['429 without a policy', 429, {}, 'not an object', { kind: 'rate-limited', status: 429, policy: 'UNKNOWN', message: 'HTTP 429' }],
    [
      '401 without a category',
      401,
      {},
      {},
      { kind: 'auth', status: 401, category: 'INVALID_AUTHENTICATION', message: 'HTTP 401', scopes: [] },
    ],
    ['403 without a category', 403, {}, {}, { kind: 'auth', status: 403, category: 'MISSING_SCOPES', message: 'HTTP 403', scopes: [] }],
  ] as const)('when HubSpot answers %s then the answer is sorted as expected', (_what, status, headers, body, expected) => {
    expect(classifyAnswer(status, headers, body)).toEqual(expected);
  });

  it('when a 403 names missing scopes in context and required scopes in errors[] then both are listed once', () => {
    const body = {
      category: 'MISSING_SCOPES',
      message: 'This app lacks scopes',
      context: { missingScopes: ['crm.objects.marketing_events.write'] },
      errors: [{ context: { requiredScopes: ['crm.objects.marketing_events.write', 'crm.objects.contacts.write'] } }],
    };
    expect(classifyAnswer(403, {}, body)).toMatchObject({
      kind: 'auth',
      category: 'MISSING_SCOPES',
      scopes: ['crm.objects.marketing_events.write', 'crm.objects.contacts.write'],
    });
  });
});

describe('readRateLimitHeaders', () => {
  it('when HubSpot sends its rate-limit headers then each figure is read as a number, and missing or garbled ones stay unknown', () => {
    const headers = {
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': ['110', '100'],
      'x-hubspot-ratelimit-remaining': 'lots',
    };
    expect(readRateLimitHeaders(headers)).toEqual({ intervalMs: 10_000, max: 110, remaining: undefined, dailyRemaining: undefined });
  });
});
