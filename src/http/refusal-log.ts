import type { Log } from '../support/log.js';
import { OncePerInterval } from '../support/once-per-interval.js';

/** Refusals that come in floods and are the relay protecting itself, not failing: no stack, no line per request. */
export const FLOOD_CODES: ReadonlySet<string> = new Set(['OVERLOADED', 'SHUTTING_DOWN', 'STORE_UNAVAILABLE']);

/**
 * Logs refusals of one code as a warning at most once per interval, counting those in between, so
 * a flood of shed requests cannot flood the log too.
 */
export class RefusalLog {
  private readonly codes: OncePerInterval<string>;

  constructor(intervalMs = 10_000, now: () => number = Date.now) {
    this.codes = new OncePerInterval(intervalMs, now);
  }

  note(log: Log, code: string, cause?: unknown): void {
    const refused = this.codes.note(code);
    if (refused === undefined) return;
    const reason = cause instanceof Error ? cause.message : undefined;
    log.warn(
      { code, refused, reason },
      `requests refused with ${code}: ${refused} since the last line of this kind (at most one per ${this.codes.intervalMs / 1000} s)`,
    );
  }
}
