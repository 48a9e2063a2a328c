import { describe, expect, it } from 'vitest';
import { backoffMs, type Backoff } from '../../src/support/backoff.js';
import { RECORD_BACKOFF, rescheduleAt } from '../../src/delivery/batch-verdict.js';

const SEND: Backoff = { firstMs: 1000, maxMs: 30_000, jitter: 'full' };
const PAUSE: Backoff = { firstMs: 30_000, maxMs: 15 * 60_000, jitter: 'none' };

const lowest = () => 0;
const highest = () => 0.999_999;

describe('backoff policy', () => {
  it.each([
    // policy, retries made, the longest wait, the shortest wait
    ['a send retry', SEND, 0, 1000, 0],
    ['a send retry', SEND, 1, 2000, 0],
    ['a send retry', SEND, 4, 16_000, 0],
    ['a send retry', SEND, 5, 30_000, 0],
    ['a send retry', SEND, 20, 30_000, 0],
    ['a record rescheduled', RECORD_BACKOFF, 0, 5000, 2500],
    ['a record rescheduled', RECORD_BACKOFF, 3, 40_000, 20_000],
    ['a record rescheduled', RECORD_BACKOFF, 7, 600_000, 300_000],
    ['a record rescheduled', RECORD_BACKOFF, 50, 600_000, 300_000],
    ['a pause after 429s in a row', PAUSE, 0, 30_000, 30_000],
    ['a pause after 429s in a row', PAUSE, 2, 120_000, 120_000],
    ['a pause after 429s in a row', PAUSE, 6, 900_000, 900_000],
  ] as const)('when %s follows %i retries then it waits at most %i ms and at least %i ms', (_what, policy, retries, longest, shortest) => {
    expect(backoffMs(policy, retries, highest)).toBeCloseTo(longest, -1);
    expect(backoffMs(policy, retries, highest)).toBeLessThanOrEqual(longest);
    expect(backoffMs(policy, retries, lowest)).toBe(shortest);
  });

  it('when the jitter draws the middle then a full-jitter wait is half the doubled wait and an equal-jitter one three quarters', () => {
    const middle = () => 0.5;
    expect(backoffMs(SEND, 2, middle)).toBe(2000);
    expect(backoffMs(RECORD_BACKOFF, 2, middle)).toBe(15_000);
  });

  it('when retries is negative (no attempt recorded yet) then the first wait is used', () => {
    expect(backoffMs(PAUSE, -1)).toBe(30_000);
  });

  it('when a record is rescheduled then its time is now plus the wait, in whole milliseconds', () => {
    const now = 1_700_000_000_000;
    expect(rescheduleAt(0, now, () => 0.3)).toBe(now + 3250);
    expect(Number.isInteger(rescheduleAt(1, now, () => 1 / 3))).toBe(true);
  });
});
