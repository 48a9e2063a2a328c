import { setTimeout as sleep } from 'node:timers/promises';
import { RollingWindow, type WindowLimit } from '../../support/rolling-window.js';

export type CallWindow = WindowLimit;

export type SlotAnswer = { granted: true; waitMs: number } | { granted: false; retryInMs: number };

/**
 * Eventbrite's limits per OAuth token (2,000 calls per rolling hour, 48,000 per day) kept on the
 * client side: every call takes a slot; slots are handed out in order, and when the next free one
 * is further away than `maxWaitMs` the caller is told when to come back instead of waiting.
 * A 429 pauses every call until Eventbrite's `Retry-After` (or a backoff) has passed.
 */
export class CallBudget {
  /** The calls made (or reserved). */
  private readonly slots = new RollingWindow();
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
    this.slots.forget(now - this.longestMs);
    // Slots are handed out in order: never before the last one reserved.
    return this.slots.nextFreeAt(Math.max(now, this.pausedUntil, this.slots.newest ?? 0), this.windows);
  }

  /** Takes the next slot when it is at most `maxWaitMs` away (the caller then waits `waitMs`). */
  take(maxWaitMs: number): SlotAnswer {
    const at = this.nextSlotAt();
    const waitMs = at - this.now();
    if (waitMs > maxWaitMs) return { granted: false, retryInMs: waitMs };
    this.slots.add(at);
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
    return this.slots.countAfter(this.now() - windowMs);
  }
}
