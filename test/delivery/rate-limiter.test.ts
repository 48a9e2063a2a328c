import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/delivery/rate-limiter.js';
import { waitFor } from '../support/wait.js';

/** Starts `count` acquires at once and records, per caller, when it was let through. */
function burst(limiter: RateLimiter, count: number): { grants: Array<{ caller: number; at: number }>; done: Promise<void> } {
  const grants: Array<{ caller: number; at: number }> = [];
  const done = Promise.all(
    Array.from({ length: count }, (_, caller) => limiter.acquire().then(() => void grants.push({ caller, at: Date.now() }))),
  ).then(() => undefined);
  return { grants, done };
}

/** The most grants inside any window of `windowMs` (a grant at t counts until t + windowMs). */
function peak(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    const inWindow = sorted.filter((t) => t >= (sorted[i] as number) && t < (sorted[i] as number) + windowMs).length;
    most = Math.max(most, inWindow);
  }
  return most;
}

/** A clock moved by hand that counts its reads: a held caller reads it each time it re-checks the window
 * (twice per check), so a count that has grown by four means it woke from its wait and looked again. */
function handClock(at: number): { at: number; reads: number; now: () => number } {
  const clock = { at, reads: 0, now: () => (clock.reads++, clock.at) };
  return clock;
}

describe('rolling window', () => {
  it('when more callers than the window allows arrive at once then never more than the limit pass in any window', async () => {
    const limiter = new RateLimiter({ maxPerWindow: 5, windowMs: 300 });
    const { grants, done } = burst(limiter, 12);
    await done;
    expect(grants).toHaveLength(12);
    // Measured a moment after each grant, so look at slightly shorter windows; without the limiter all 12 would share one.
    expect(
      peak(
        grants.map((g) => g.at),
        290,
      ),
    ).toBeLessThanOrEqual(5);
  });

  it('when the window is full then the next caller is held until the oldest send leaves the window', async () => {
    const clock = handClock(1_000_000);
    const limiter = new RateLimiter({ maxPerWindow: 3, windowMs: 100, now: clock.now });
    for (let i = 0; i < 3; i++) await limiter.acquire();
    expect(limiter.state()).toEqual({ limit: 3, inWindow: 3, pausedUntil: undefined, pauseReason: undefined });

    let passed = false;
    const readsBefore = clock.reads;
    const fourth = limiter.acquire().then(() => (passed = true));
    await waitFor(() => clock.reads >= readsBefore + 4, 'the fourth caller to wake and re-check the window');
    expect(passed).toBe(false); // the clock has not moved: the window is still full

    clock.at += 101;
    await fourth;
    expect(passed).toBe(true);
    expect(limiter.state().inWindow).toBe(1);
  });

  it('when several callers wait then they are served in arrival order', async () => {
    const limiter = new RateLimiter({ maxPerWindow: 2, windowMs: 100 });
    const { grants, done } = burst(limiter, 6);
    await done;
    expect(grants.map((g) => g.caller)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('when a margin is configured then a send counts for the window plus the margin', async () => {
    let clock = 0;
    const limiter = new RateLimiter({ maxPerWindow: 1, windowMs: 100, marginMs: 50, now: () => clock });
    await limiter.acquire();
    clock = 120;
    expect(limiter.state().inWindow).toBe(1);
    clock = 151;
    expect(limiter.state().inWindow).toBe(0);
  });
});

describe('pause after a 429', () => {
  it('when paused then no caller passes until the pause ends, and state() reports why', async () => {
    const limiter = new RateLimiter({ maxPerWindow: 100, windowMs: 1000 });
    const until = Date.now() + 300;
    limiter.pause(until, 'HubSpot 429 TEN_SECONDLY_ROLLING');
    expect(limiter.state()).toMatchObject({ pausedUntil: until, pauseReason: 'HubSpot 429 TEN_SECONDLY_ROLLING' });

    await limiter.acquire();
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(limiter.state()).toMatchObject({ pausedUntil: undefined, pauseReason: undefined, inWindow: 1 });
  });

  it('when a shorter pause follows a longer one then the longer one wins', () => {
    const limiter = new RateLimiter({ maxPerWindow: 10, windowMs: 1000 });
    const now = Date.now();
    limiter.pause(now + 60_000, 'HubSpot 429 DAILY');
    limiter.pause(now + 1000, 'HubSpot 429 TEN_SECONDLY_ROLLING');
    expect(limiter.state()).toMatchObject({ pausedUntil: now + 60_000, pauseReason: 'HubSpot 429 DAILY' });
  });

  it('when a waiting caller is aborted then it rejects and the callers behind it still get through', async () => {
    const limiter = new RateLimiter({ maxPerWindow: 10, windowMs: 1000 });
    limiter.pause(Date.now() + 200, 'test');
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('shutting down'));
    await expect(aborted).rejects.toThrow('shutting down');
    await expect(next).resolves.toHaveProperty('settle');
    expect(limiter.state().inWindow).toBe(1);
  });

  it('when a send is settled after its answer then its slot counts from the answer, not from the send', async () => {
    let now = 0;
    const limiter = new RateLimiter({ maxPerWindow: 1, windowMs: 1000, now: () => now });
    const slot = await limiter.acquire();
    now = 900; // the answer comes back 900 ms after the send
    slot.settle();
    now = 1500; // 1 s after the send, but only 600 ms after HubSpot may have counted it
    expect(limiter.state().inWindow).toBe(1);
    now = 1901;
    expect(limiter.state().inWindow).toBe(0);
  });
});

describe("HubSpot's rate-limit headers", () => {
  it('when HubSpot reports a lower max then the limiter adopts it, and a higher max never loosens it', () => {
    const limiter = new RateLimiter({ maxPerWindow: 100, windowMs: 10_000 });
    limiter.observe({ max: 50 });
    expect(limiter.state().limit).toBe(50);
    limiter.observe({ max: 190 });
    expect(limiter.state().limit).toBe(50);
    limiter.observe({ max: 0 });
    expect(limiter.state().limit).toBe(50);
  });

  it('when HubSpot reports fewer requests remaining than we counted then the window is filled to match', async () => {
    const limiter = new RateLimiter({ maxPerWindow: 10, windowMs: 10_000 });
    await limiter.acquire();
    limiter.observe({ remaining: 4 }); // another client of the same app used 5 more
    expect(limiter.state().inWindow).toBe(6);
    limiter.observe({ remaining: 8 }); // more room than we think: ignored
    expect(limiter.state().inWindow).toBe(6);
  });

  it('when HubSpot reports no room left then the next caller waits for the window', async () => {
    const clock = handClock(0);
    const limiter = new RateLimiter({ maxPerWindow: 10, windowMs: 100, now: clock.now });
    limiter.observe({ remaining: 0 });
    let passed = false;
    const readsBefore = clock.reads;
    const next = limiter.acquire().then(() => (passed = true));
    await waitFor(() => clock.reads >= readsBefore + 4, 'the caller to wake and re-check the window');
    expect(passed).toBe(false);
    clock.at = 101;
    await waitFor(() => passed, 'the caller to pass once the window rolled');
    await next;
  });

  it('when HubSpot reports a longer interval then sends are counted over that interval', async () => {
    let clock = 0;
    const limiter = new RateLimiter({ maxPerWindow: 10, windowMs: 100, now: () => clock });
    limiter.observe({ intervalMs: 1000 });
    await limiter.acquire();
    clock = 500;
    expect(limiter.state().inWindow).toBe(1);
    clock = 1001;
    expect(limiter.state().inWindow).toBe(0);
  });
});
