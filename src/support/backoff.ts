/**
 * The one backoff policy: waits double from `firstMs` up to `maxMs`, and jitter spreads them so
 * that callers which failed together do not all come back together.
 * - `full`: anywhere from 0 up to the doubled wait (for short retries within one call);
 * - `equal`: at least half of it (for rescheduling, where coming back at once would be a waste);
 * - `none`: exactly the doubled wait (for pauses every caller shares, where spreading would not help).
 */
export interface Backoff {
  firstMs: number;
  maxMs: number;
  jitter: 'full' | 'equal' | 'none';
}

/** The wait before retry number `retry` + 1 (`retry` = retries already made, from 0). */
export function backoffMs(policy: Backoff, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.firstMs * 2 ** Math.max(0, retry));
  switch (policy.jitter) {
    case 'full':
      return random() * ceiling;
    case 'equal':
      return ceiling / 2 + (random() * ceiling) / 2;
    case 'none':
      return ceiling;
  }
}
