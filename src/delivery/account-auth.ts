import type { HubspotAnswer } from '../hubspot/types.js';
import type { SharedDeliveryState } from '../store/ports.js';
import type { Log } from '../support/log.js';
import { AuthPause, type AuthFailure } from './auth-pause.js';

export interface AccountAuthOptions {
  probeIntervalMs: number;
  /** Replicas sharing a store share the pause through it. */
  shared?: SharedDeliveryState;
  log: Log;
  onPause?: () => void;
}

/**
 * The HubSpot account's standing: paused while HubSpot refuses the token, shared with the other
 * replicas, and said plainly in the log when it changes.
 */
export class AccountAuth {
  private readonly pause: AuthPause;
  private lastSync = 0;

  constructor(private readonly options: AccountAuthOptions) {
    this.pause = new AuthPause(options.probeIntervalMs);
  }

  get current(): AuthFailure | undefined {
    return this.pause.current;
  }

  mayClaim(now: number): boolean {
    return this.pause.mayClaim(now);
  }

  wakeAt(): number | undefined {
    return this.pause.wakeAt();
  }

  claimed(): void {
    this.pause.claimed();
  }

  unsent(): void {
    this.pause.unsent();
  }

  /** A new token (configuration reload): try it at once. */
  clear(): void {
    this.pause.clear();
  }

  /** Adopts another replica's pause, or its resumption (at most every 500 ms). */
  async sync(now: number): Promise<void> {
    const { shared, log } = this.options;
    if (!shared || now - this.lastSync < 500) return;
    this.lastSync = now;
    const pause = (await shared.readPauses()).find((p) => p.kind === 'auth');
    if (pause && !this.pause.current) {
      this.pause.adopt(pause.details as AuthFailure, pause.remainingMs, now);
      log.warn({ reason: pause.reason }, 'another replica found the HubSpot token refused: delivery paused here too');
    } else if (!pause && this.pause.current) {
      this.pause.clear();
      log.info('another replica found the HubSpot token accepted again: delivery resumed here too');
    }
  }

  /** Records what a call said; shares and logs a change. */
  async observe(answer: HubspotAnswer, now: number): Promise<void> {
    const { shared, log } = this.options;
    const change = this.pause.observe(answer, now);
    const failure = this.pause.current;
    try {
      if (shared && failure && answer.kind === 'auth') {
        await shared.setPause({
          kind: 'auth',
          remainingMs: Date.parse(failure.nextProbeAt) - now,
          reason: failure.category,
          details: failure,
        });
      } else if (shared && change === 'resumed') {
        await shared.clearPause('auth');
      }
    } catch (error) {
      log.warn({ err: error }, 'could not share the HubSpot auth state through the store');
    }
    if (change === 'paused' && failure) {
      this.options.onPause?.();
      log.error(
        { httpStatus: failure.status, category: failure.category, missingScopes: failure.scopes, nextProbeAt: failure.nextProbeAt },
        'HubSpot refused the access token: delivery paused for this account, every record kept',
      );
    } else if (change === 'resumed') {
      log.info('HubSpot accepted the access token again: delivery resumed');
    }
  }
}
