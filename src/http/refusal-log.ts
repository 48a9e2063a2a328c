import type { Log } from '../support/log.js';

/** Refusals that come in floods and are the relay protecting itself, not failing: no stack, no line per request. */
export const FLOOD_CODES: ReadonlySet<string> = new Set(['OVERLOADED', 'SHUTTING_DOWN', 'STORE_UNAVAILABLE']);

/**
 * Logs refusals of one code as a warning at most once per interval, counting those in between, so
 * a flood of shed requests cannot flood the log too.
 */
export class RefusalLog {
  private readonly codes = new Map<string, { loggedAt: number; since: number }>();

  constructor(
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  note(log: Log, code: string, cause?: unknown): void {
    const entry = this.codes.get(code) ?? { loggedAt: Number.NEGATIVE_INFINITY, since: 0 };
    this.codes.set(code, entry);
    entry.since++;
    const now = this.now();
    if (now - entry.loggedAt < this.intervalMs) return;
    const reason = cause instanceof Error ? cause.message : undefined;
    log.warn(
      { code, refused: entry.since, reason },
      `requests refused with ${code}: ${entry.since} since the last line of this kind (at most one per ${this.intervalMs / 1000} s)`,
    );
    entry.loggedAt = now;
    entry.since = 0;
  }
}
