import type { RateLimit } from './types.js';

export type RatePolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY';

/**
 * HubSpot's per-app limits: a rolling window (e.g. 100 per 10 s) and a daily cap.
 * Only admitted requests are counted; a 429 does not use up the window.
 */
export class RateLimiter {
  private readonly admittedAt = new Map<string, number[]>();
  private readonly daily = new Map<string, { day: string; count: number }>();
  private peak = 0;
  private limit: RateLimit;

  constructor(
    limit: RateLimit,
    private readonly dailyLimit: number,
  ) {
    this.limit = { ...limit };
  }

  get peakInWindow(): number {
    return this.peak;
  }

  setLimit(limit: RateLimit): void {
    this.limit = { ...limit };
  }

  /** The policy that would reject a request from this token now, if any. */
  blockingPolicy(token: string, now: number): RatePolicy | undefined {
    if (this.dailyCount(token, now) >= this.dailyLimit) return 'DAILY';
    if (this.window(token, now).length >= this.limit.max) return 'TEN_SECONDLY_ROLLING';
    return undefined;
  }

  admit(token: string, now: number): void {
    const window = this.window(token, now);
    window.push(now);
    // The busiest window always ends at an admitted request, so checking here finds the peak.
    this.peak = Math.max(this.peak, window.length);
    const day = utcDay(now);
    const entry = this.daily.get(token);
    if (entry && entry.day === day) entry.count += 1;
    else this.daily.set(token, { day, count: 1 });
  }

  /** The X-HubSpot-RateLimit-* headers as seen by this token (unknown tokens see a fresh budget). */
  headers(token: string | undefined, now: number, exhausted?: RatePolicy): Record<string, string> {
    const inWindow = token === undefined ? 0 : this.window(token, now).length;
    const usedToday = token === undefined ? 0 : this.dailyCount(token, now);
    const remaining = exhausted === 'TEN_SECONDLY_ROLLING' ? 0 : Math.max(0, this.limit.max - inWindow);
    const dailyRemaining = exhausted === 'DAILY' ? 0 : Math.max(0, this.dailyLimit - usedToday);
    return {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.limit.intervalMs),
      'X-HubSpot-RateLimit-Max': String(this.limit.max),
      'X-HubSpot-RateLimit-Remaining': String(remaining),
      'X-HubSpot-RateLimit-Daily': String(this.dailyLimit),
      'X-HubSpot-RateLimit-Daily-Remaining': String(dailyRemaining),
    };
  }

  reset(): void {
    this.admittedAt.clear();
    this.daily.clear();
    this.peak = 0;
  }

  /** Admission times still inside the rolling window ending now (older ones are dropped). */
  private window(token: string, now: number): number[] {
    const since = now - this.limit.intervalMs;
    const fresh = (this.admittedAt.get(token) ?? []).filter((at) => at > since);
    this.admittedAt.set(token, fresh);
    return fresh;
  }

  private dailyCount(token: string, now: number): number {
    const entry = this.daily.get(token);
    return entry && entry.day === utcDay(now) ? entry.count : 0;
  }
}

/** HubSpot resets the daily limit at midnight in the account's time zone; the simulator uses UTC. */
function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}
