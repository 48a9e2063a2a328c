import { describe, expect, it } from 'vitest';
import { CallBudget } from '../../../src/sources/eventbrite/call-budget.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function clock(start = Date.parse('2026-11-20T10:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('CallBudget (Eventbrite: 2,000 calls per hour and 48,000 per day per token)', () => {
  it('when calls stay under the hourly limit, then each is granted at once', () => {
    const c = clock();
    const budget = new CallBudget([{ max: 3, windowMs: HOUR }], c.now);
    for (let i = 0; i < 3; i++) expect(budget.take(0)).toEqual({ granted: true, waitMs: 0 });
  });

  it('when the hour is used up, then the next call is told to come back when the oldest call leaves the window', () => {
    const c = clock();
    const budget = new CallBudget([{ max: 2, windowMs: HOUR }], c.now);
    budget.take(0);
    c.advance(10 * 60_000);
    budget.take(0);
    expect(budget.take(5000)).toEqual({ granted: false, retryInMs: 50 * 60_000 });
    c.advance(50 * 60_000);
    expect(budget.take(0)).toEqual({ granted: true, waitMs: 0 });
    expect(budget.take(0)).toMatchObject({ granted: false, retryInMs: 10 * 60_000 });
  });

  it('when the next slot is close enough, then it is reserved and the caller waits for it; the next caller queues behind', () => {
    const c = clock();
    const budget = new CallBudget([{ max: 1, windowMs: 1000 }], c.now);
    budget.take(0);
    expect(budget.take(5000)).toEqual({ granted: true, waitMs: 1000 });
    expect(budget.take(5000)).toEqual({ granted: true, waitMs: 2000 });
    expect(budget.take(1500)).toEqual({ granted: false, retryInMs: 3000 });
  });

  it('when the day is used up but the hour is not, then the daily limit holds calls back', () => {
    const c = clock();
    const budget = new CallBudget(
      [
        { max: 2000, windowMs: HOUR },
        { max: 3, windowMs: DAY },
      ],
      c.now,
    );
    for (let i = 0; i < 3; i++) {
      expect(budget.take(0).granted).toBe(true);
      c.advance(2 * HOUR);
    }
    expect(budget.take(0)).toEqual({ granted: false, retryInMs: DAY - 6 * HOUR });
  });

  it('when Eventbrite answered 429, then no call goes before the pause ends', () => {
    const c = clock();
    const budget = new CallBudget([{ max: 100, windowMs: HOUR }], c.now);
    budget.pause(c.now() + 30_000);
    expect(budget.pausedForMs()).toBe(30_000);
    expect(budget.take(1000)).toEqual({ granted: false, retryInMs: 30_000 });
    c.advance(30_000);
    expect(budget.take(0).granted).toBe(true);
  });

  it('when 2,000 calls a minute are attempted for two hours, then no rolling hour ever holds more than 2,000', () => {
    const c = clock();
    const budget = new CallBudget(
      [
        { max: 2000, windowMs: HOUR },
        { max: 48_000, windowMs: DAY },
      ],
      c.now,
    );
    const made: number[] = [];
    for (let minute = 0; minute < 120; minute++) {
      for (let i = 0; i < 2000; i++) {
        const answer = budget.take(0);
        if (answer.granted) made.push(c.now());
      }
      c.advance(60_000);
    }
    for (const [i, t] of made.entries()) {
      const inHour = made.slice(i).filter((u) => u < t + HOUR).length;
      if (inHour > 2000) throw new Error(`${inHour} calls in the hour from ${new Date(t).toISOString()}`);
    }
    expect(made.length).toBe(4000);
  });
});
