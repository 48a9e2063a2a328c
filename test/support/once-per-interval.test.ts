import { describe, expect, it } from 'vitest';
import { OncePerInterval } from '../../src/support/once-per-interval.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('OncePerInterval', () => {
  it('when a key is first noted, then its line is due and stands for that one occurrence', () => {
    const clock = fakeClock();
    expect(new OncePerInterval<string>(10_000, clock.now).note('a')).toBe(1);
  });

  it('when a key is noted again within the interval, then nothing is due; at the interval the line counts them all', () => {
    const clock = fakeClock();
    const once = new OncePerInterval<string>(10_000, clock.now);
    expect(once.note('a')).toBe(1);
    clock.advance(1);
    expect(once.note('a')).toBeUndefined();
    clock.advance(9_998); // 9,999 ms after the line: still within
    expect(once.note('a')).toBeUndefined();
    clock.advance(1); // exactly the interval
    expect(once.note('a')).toBe(3);
    expect(once.note('a')).toBeUndefined();
  });

  it('when several keys are noted, then each has its own interval and count', () => {
    const clock = fakeClock();
    const once = new OncePerInterval<string>(10_000, clock.now);
    expect(once.note('a')).toBe(1);
    clock.advance(5_000);
    expect(once.note('b')).toBe(1);
    expect(once.note('a')).toBeUndefined();
    clock.advance(5_000);
    expect(once.note('a')).toBe(2);
    expect(once.note('b')).toBeUndefined();
    clock.advance(5_000);
    expect(once.note('b')).toBe(2);
  });

  it('when the clock stands still, then a flood of notes gives one line', () => {
    const clock = fakeClock();
    const once = new OncePerInterval<string>(10_000, clock.now);
    const due = Array.from({ length: 1_000 }, () => once.note('flood')).filter((n) => n !== undefined);
    expect(due).toEqual([1]);
  });
});
