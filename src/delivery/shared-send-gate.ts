import { setTimeout as sleep } from 'node:timers/promises';
import type { SharedDeliveryState } from '../store/ports.js';
import type { Log } from '../support/log.js';
import type { SendGate, SendGateState, SendSlot } from './send-gate.js';
import type { RateLimitHeaders } from '../hubspot/types.js';

export interface SharedSendGateOptions {
  shared: SharedDeliveryState;
  maxPerWindow: number;
  windowMs: number;
  marginMs?: number;
  log: Log;
}

/**
 * The send window and 429 pauses kept in the shared store, so that N replicas
 * together never exceed HubSpot's per-app limit, and a 429 seen by one pauses all.
 */
export class SharedSendGate implements SendGate {
  private limit: number;
  private cached: SendGateState;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: SharedSendGateOptions) {
    this.limit = options.maxPerWindow;
    this.cached = { limit: this.limit, inWindow: 0 };
    this.timer = setInterval(() => void this.refresh(), 1000).unref();
  }

  private get windowMs(): number {
    return this.options.windowMs + (this.options.marginMs ?? 0);
  }

  async acquire(signal?: AbortSignal): Promise<SendSlot> {
    for (;;) {
      signal?.throwIfAborted();
      const slot = await this.options.shared.takeSendSlot(this.limit, this.windowMs);
      if (slot.granted) {
        return {
          settle: () =>
            void this.options.shared
              .settleSendSlot(slot.slotId)
              .catch((error) => this.options.log.warn({ err: error }, 'could not re-time a send slot')),
        };
      }
      await sleep(Math.max(5, slot.retryInMs), undefined, { signal });
    }
  }

  observe(headers: RateLimitHeaders): void {
    if (headers.max !== undefined && headers.max > 0 && headers.max < this.limit) this.limit = headers.max;
    const remaining = headers.remaining;
    if (remaining === undefined) return;
    void this.options.shared
      .sendsInWindow(this.windowMs)
      .then((count) => (this.limit - count > remaining ? this.options.shared.addPhantomSends(this.limit - count - remaining) : undefined))
      .catch((error) => this.options.log.warn({ err: error }, 'could not record HubSpot rate-limit headers in the store'));
  }

  pause(until: number, reason: string): void {
    this.cached = { ...this.cached, pausedUntil: until, pauseReason: reason };
    void this.options.shared
      .setPause({ kind: 'rate-limit', remainingMs: until - Date.now(), reason })
      .catch((error) => this.options.log.warn({ err: error }, 'could not share a HubSpot 429 pause through the store'));
  }

  state(): SendGateState {
    const paused = this.cached.pausedUntil !== undefined && this.cached.pausedUntil > Date.now();
    return {
      ...this.cached,
      limit: this.limit,
      pausedUntil: paused ? this.cached.pausedUntil : undefined,
      pauseReason: paused ? this.cached.pauseReason : undefined,
    };
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    try {
      const [inWindow, pauses] = await Promise.all([this.options.shared.sendsInWindow(this.windowMs), this.options.shared.readPauses()]);
      const pause = pauses.find((p) => p.kind === 'rate-limit' && p.remainingMs > 0);
      this.cached = {
        limit: this.limit,
        inWindow,
        pausedUntil: pause ? Date.now() + pause.remainingMs : undefined,
        pauseReason: pause?.reason,
      };
    } catch {
      // The store being away shows in /readyz already; the cached figures stay.
    }
  }
}
