import { setTimeout as sleep } from 'node:timers/promises';
import type { SendGate, SendGateState, SendSlot } from './send-gate.js';
import type { RateLimitHeaders } from '../hubspot/types.js';
import { RollingWindow } from '../support/rolling-window.js';

export interface RateLimiterOptions {
  /** Requests allowed in any rolling window (HubSpot's burst limit is per app, per 10 s). */
  maxPerWindow: number;
  windowMs: number;
  /** Added to the window: a request's arrival at HubSpot lags our send by a little. */
  marginMs?: number;
  now?: () => number;
}

export type RateLimiterState = SendGateState;

/**
 * A client-side rolling-window limiter, tightened by what HubSpot reports in
 * its X-HubSpot-RateLimit-* headers, and paused outright after a 429.
 * Callers are served in arrival order. For one process; replicas share a
 * SharedSendGate instead.
 */
export class RateLimiter implements SendGate {
  private readonly sends = new RollingWindow();
  private limit: number;
  private windowMs: number;
  private pausedUntil = 0;
  private pauseReason: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.limit = options.maxPerWindow;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
  }

  /** Resolves when one request may be sent, and counts it as sent. */
  acquire(signal?: AbortSignal): Promise<SendSlot> {
    const turn = this.queue.then(() => this.waitForSlot(signal));
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Stops all sends until `until` (epoch ms); a later pause wins. */
  pause(until: number, reason: string): void {
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauseReason = reason;
    }
  }

  /** Takes HubSpot's own count into account: never assume more room than it reports. */
  observe(headers: RateLimitHeaders): void {
    if (headers.max !== undefined && headers.max > 0 && headers.max < this.limit) this.limit = headers.max;
    if (headers.intervalMs !== undefined && headers.intervalMs > this.windowMs) this.windowMs = headers.intervalMs;
    if (headers.remaining === undefined) return;
    this.prune();
    const ours = this.limit - this.sends.size;
    const now = this.now();
    for (let i = headers.remaining; i < ours; i++) this.sends.add(now);
  }

  state(): RateLimiterState {
    this.prune();
    const paused = this.pausedUntil > this.now();
    return {
      limit: this.limit,
      inWindow: this.sends.size,
      pausedUntil: paused ? this.pausedUntil : undefined,
      pauseReason: paused ? this.pauseReason : undefined,
    };
  }

  close(): void {}

  /** The window HubSpot counts in, with our margin. */
  private get spanMs(): number {
    return this.windowMs + (this.options.marginMs ?? 0);
  }

  private prune(): void {
    this.sends.forget(this.now() - this.spanMs);
  }

  private async waitForSlot(signal?: AbortSignal): Promise<SendSlot> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now, undefined, { signal });
        continue;
      }
      this.prune();
      const freeAt = this.sends.nextFreeAt(now, [{ max: this.limit, windowMs: this.spanMs }]);
      if (freeAt <= now) {
        this.sends.add(now);
        let at = now;
        return {
          settle: () => {
            const answered = Math.max(at, this.now());
            this.sends.retime(at, answered);
            at = answered;
          },
        };
      }
      await sleep(Math.max(1, freeAt - now + 1), undefined, { signal });
    }
  }
}
