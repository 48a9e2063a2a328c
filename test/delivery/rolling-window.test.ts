import { describe, expect, it } from 'vitest';
import { RollingWindow } from '../../src/support/rolling-window.js';

const TEN_S = { max: 3, windowMs: 10_000 };
const HOURLY = { max: 5, windowMs: 3_600_000 };

function windowWith(...times: number[]): RollingWindow {
  const window = new RollingWindow();
  for (const t of times) window.add(t);
  return window;
}

describe('the rolling window', () => {
  it.each([
    // calls made at, asking at, limits, the next call may go at
    ['no calls yet', [], 0, [TEN_S], 0],
    ['fewer calls than the limit', [0, 1000], 2000, [TEN_S], 2000],
    ['the limit reached', [0, 1000, 2000], 3000, [TEN_S], 10_000],
    ['the limit reached, oldest exactly a window ago', [0, 1000, 2000], 10_000, [TEN_S], 10_000],
    ['calls made out of order', [2000, 0, 1000], 3000, [TEN_S], 10_000],
    ['the short window free, the long one full', [0, 20_000, 40_000, 60_000, 80_000], 90_000, [TEN_S, HOURLY], 3_600_000],
    ['both windows full', [0, 1, 2, 3, 4], 5, [TEN_S, HOURLY], 3_600_000],
  ])('when %s then the next call may go at the expected time', (_what, times, from, limits, expected) => {
    expect(windowWith(...times).nextFreeAt(from, limits)).toBe(expected);
  });

  it('when a call is re-timed to its answer then its window ends that much later', () => {
    const window = windowWith(0, 1000, 2000);
    window.retime(0, 5000);
    expect(window.nextFreeAt(3000, [TEN_S])).toBe(11_000);
  });

  it('when old calls are forgotten then they no longer count, and re-timing one of them changes nothing', () => {
    const window = windowWith(0, 1000, 2000);
    window.forget(1000);
    expect(window.size).toBe(1);
    expect(window.countAfter(-1)).toBe(1);
    window.retime(0, 9000);
    expect(window.newest).toBe(2000);
  });
});
