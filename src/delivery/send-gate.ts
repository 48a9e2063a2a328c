import type { RateLimitHeaders } from '../hubspot/types.js';

export interface SendGateState {
  limit: number;
  inWindow: number;
  pausedUntil?: number;
  pauseReason?: string;
}

/**
 * One counted send. HubSpot counts a request when it arrives, somewhere between our send and
 * its answer; settling re-times the slot to the answer, so our window never ends before HubSpot's.
 */
export interface SendSlot {
  settle(): void;
}

/** Decides when the next HubSpot call may go: the rolling window and 429 pauses. */
export interface SendGate {
  /** Resolves when one request may be sent, and counts it as sent. */
  acquire(signal?: AbortSignal): Promise<SendSlot>;
  /** Takes HubSpot's own X-HubSpot-RateLimit-* figures into account. */
  observe(headers: RateLimitHeaders): void;
  /** Stops all sends until `until` (epoch ms). */
  pause(until: number, reason: string): void;
  state(): SendGateState;
  close(): void;
}
