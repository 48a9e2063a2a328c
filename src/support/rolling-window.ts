/** At most `max` calls in any `windowMs`. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/**
 * The one rolling-window count: the times of calls made (or reserved), kept in order, and when
 * one more call fits under every limit. HubSpot's send gate and Eventbrite's call budget are built
 * on it; what to do while waiting (queue, pause, refuse) is theirs.
 */
export class RollingWindow {
  private readonly times: number[] = [];

  /** Calls counted, forgotten ones excluded. */
  get size(): number {
    return this.times.length;
  }

  /** The newest time counted, if any. */
  get newest(): number | undefined {
    return this.times.at(-1);
  }

  add(at: number): void {
    let i = this.times.length;
    while (i > 0 && (this.times[i - 1] as number) > at) i--;
    this.times.splice(i, 0, at);
  }

  /** Moves one call counted at `from` to `to` (nothing when it was forgotten meanwhile). */
  retime(from: number, to: number): void {
    const i = this.times.indexOf(from);
    if (i < 0 || from === to) return;
    this.times.splice(i, 1);
    this.add(to);
  }

  /** Drops the calls at or before `cutoff`: no window the caller asks about holds them any more. */
  forget(cutoff: number): void {
    let n = 0;
    while (n < this.times.length && (this.times[n] as number) <= cutoff) n++;
    if (n > 0) this.times.splice(0, n);
  }

  /** Calls after `since`. */
  countAfter(since: number): number {
    return this.times.filter((t) => t > since).length;
  }

  /** The earliest time, not before `from`, at which one more call stays within every limit. */
  nextFreeAt(from: number, limits: WindowLimit[]): number {
    let at = from;
    for (const { max, windowMs } of limits) {
      // In order, a window ending at `at` holds fewer than max calls once the max-th newest is out of it.
      const bound = this.times[this.times.length - max];
      if (bound !== undefined) at = Math.max(at, bound + windowMs);
    }
    return at;
  }
}
