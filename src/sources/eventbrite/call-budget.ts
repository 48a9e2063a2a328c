import { setTimeout as sleep } from 'node:timers/promises';

export interface CallWindow {
  max: number;
  windowMs: number;
}

export type SlotAnswer = { granted: true; waitMs: number } | { granted: false; retryInMs: number };

/**
 * Eventbrite's limits per OAuth token (2,000 calls per rolling hour, 48,000 per day) kept on the
 * client side: every call takes a slot; slots are handed out in order, and when the next free one
 * is further away than `maxWaitMs` the caller is told when to come back instead of waiting.
 * A 429 pauses every call until Eventbrite's `Retry-After` (or a backoff) has passed.
 */
export class CallBudget {
  /** Times of the calls made (or reserved), oldest first. */
  private readonly slots: number[] = [];
  private pausedUntil = 0;
  private readonly longestMs: number;

  constructor(
    private readonly windows: CallWindow[],
    private readonly now: () => number = Date.now,
  ) {
    this.longestMs = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  /** When the next call may go, without taking the slot. */
  nextSlotAt(): number {
    const now = this.now();
    while (this.slots.length > 0 && (this.slots[0] ?? 0) <= now - this.longestMs) this.slots.shift();
    let at = Math.max(now, this.pausedUntil, this.slots.at(-1) ?? 0);
    for (const { max, windowMs } of this.windows) {
      // With slots in order, the window ending at `at` holds fewer than max slots once the max-th newest is out of it.
      const bound = this.slots[this.slots.length - max];
      if (bound !== undefined) at = Math.max(at, bound + windowMs);
    }
    return at;
  }

  /** Takes the next slot when it is at most `maxWaitMs` away (the caller then waits `waitMs`). */
  take(maxWaitMs: number): SlotAnswer {
    const at = this.nextSlotAt();
    const waitMs = at - this.now();
    if (waitMs > maxWaitMs) return { granted: false, retryInMs: waitMs };
    this.slots.push(at);
    return { granted: true, waitMs };
  }

  /** Takes a slot and waits for it; throws `tooLong(ms)` when it is further than `maxWaitMs`. */
  async acquire(maxWaitMs: number, signal: AbortSignal, tooLong: (retryInMs: number) => Error): Promise<void> {
    const answer = this.take(maxWaitMs);
    if (!answer.granted) throw tooLong(answer.retryInMs);
    if (answer.waitMs > 0) await sleep(answer.waitMs, undefined, { signal });
  }

  /** No call before `until` (Eventbrite answered 429). */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Milliseconds left of a 429 pause (0 when none). */
  pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** Calls made in the last `windowMs` (reserved future slots included). */
  used(windowMs: number): number {
    const since = this.now() - windowMs;
    return this.slots.filter((t) => t > since).length;
  }
}
