import { describe, expect, it } from 'vitest';
import type { WebhookStatus } from '../../src/store/ports.js';
import { batchAnswer, pendingAnswer, standardError } from '../../src/hubspot-compat/batch-status.js';
import { isBatchResponse } from './hubspot-sdk.js';

const T0 = Date.parse('2026-11-20T15:00:00Z');
type Rec = WebhookStatus['records'][number];

/** `processedAt` null: not processed yet. */
function batch(records: Array<Partial<Rec>>, processedAt: number | null = T0 + 100): WebhookStatus {
  return {
    id: 7,
    sourceId: 'hubspot-intake',
    receivedAt: T0,
    processedAt: processedAt ?? undefined,
    records: records.map((r, i) => ({
      id: i + 1,
      email: `p${i}@example.com`,
      state: 'register',
      status: 'pending',
      updatedAt: T0 + 100,
      ...r,
    })),
  };
}

describe('batch status as HubSpot’s BatchResponseSubscriberEmailResponse', () => {
  it('when the batch was just stored, then it is PENDING with no results and its status link', () => {
    const answer = pendingAnswer('batch-7', T0, T0 + 5);
    expect(answer).toEqual({
      status: 'PENDING',
      results: [],
      requestedAt: '2026-11-20T15:00:00.000Z',
      startedAt: '2026-11-20T15:00:00.000Z',
      completedAt: '2026-11-20T15:00:00.005Z',
      links: { status: '/intake/batches/batch-7' },
    });
    expect(isBatchResponse(answer)).toBe(true);
  });

  it('when processing has not read the row yet, then it is PENDING', () => {
    expect(batchAnswer(batch([], null), 'batch-7', T0 + 50).status).toBe('PENDING');
  });

  it('when some records still wait for delivery, then it is PROCESSING, with what is settled so far', () => {
    const answer = batchAnswer(
      batch([{ status: 'delivered', vid: 101 }, { status: 'inflight' }, { status: 'pending' }]),
      'batch-7',
      T0 + 500,
    );
    expect(answer.status).toBe('PROCESSING');
    expect(answer.results).toEqual([{ email: 'p0@example.com', vid: 101 }]);
    expect(answer.completedAt).toBe(new Date(T0 + 500).toISOString());
    expect(answer.startedAt).toBe(new Date(T0 + 100).toISOString());
  });

  it('when every record is delivered or dead, then it is COMPLETE, completed when the last one settled, dead ones in errors', () => {
    const answer = batchAnswer(
      batch([
        { status: 'delivered', vid: 101, updatedAt: T0 + 900 },
        {
          status: 'dead',
          lastError: 'VALIDATION_ERROR/AttendanceValidationError.INVALID_EMAIL: Invalid email `p1@example.com`',
          updatedAt: T0 + 700,
        },
        { status: 'delivered', updatedAt: T0 + 800 }, // accepted by HubSpot without a result: in neither list, as in HubSpot's answer
      ]),
      'batch-7',
      T0 + 5000,
    );
    expect(answer).toMatchObject({
      status: 'COMPLETE',
      results: [{ email: 'p0@example.com', vid: 101 }],
      numErrors: 1,
      completedAt: new Date(T0 + 900).toISOString(),
    });
    expect(answer.errors).toEqual([
      {
        status: 'error',
        category: 'VALIDATION_ERROR',
        subCategory: 'AttendanceValidationError.INVALID_EMAIL',
        message: 'Invalid email `p1@example.com`',
        context: { emails: ['p1@example.com'] },
        errors: [],
        links: {},
      },
    ]);
  });

  it('when a batch held no inputs, then it is COMPLETE once read', () => {
    expect(batchAnswer(batch([]), 'batch-7').status).toBe('COMPLETE');
  });
});

describe('a dead record’s last error as HubSpot’s StandardError', () => {
  it.each([
    ['VALIDATION_ERROR: Contact is blocked', 'VALIDATION_ERROR', undefined, 'Contact is blocked'],
    ['HTTP 400: Invalid input JSON at inputs[0].email', 'VALIDATION_ERROR', undefined, 'Invalid input JSON at inputs[0].email'],
    ['HTTP 404: Marketing event not found', 'OBJECT_NOT_FOUND', undefined, 'Marketing event not found'],
    ['HTTP 410: Gone', 'INTERNAL_ERROR', undefined, 'Gone'],
    ['something unexpected', 'INTERNAL_ERROR', undefined, 'something unexpected'],
    [
      'undelivered after 72 h; last error: HTTP 503: Service Unavailable',
      'INTERNAL_ERROR',
      undefined,
      'undelivered after 72 h; last error: HTTP 503: Service Unavailable',
    ],
    [
      'undelivered after 72 h; last error: LOCKED/Busy.Sub: try later',
      'LOCKED',
      'Busy.Sub',
      'undelivered after 72 h; last error: LOCKED/Busy.Sub: try later',
    ],
  ])('%s', (lastError, category, subCategory, message) => {
    const error = standardError('x@example.com', lastError);
    expect(error).toMatchObject({ status: 'error', category, message, context: { emails: ['x@example.com'] }, errors: [], links: {} });
    expect(error.subCategory).toBe(subCategory);
  });
});
