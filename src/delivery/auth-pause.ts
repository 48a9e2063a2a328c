import type { HubspotAnswer } from '../hubspot/types.js';

export interface AuthFailure {
  status: number;
  category: string;
  message: string;
  /** Scopes HubSpot says the token lacks (from missingScopes or requiredScopes). */
  scopes: string[];
  since: string;
  nextProbeAt: string;
}

/**
 * Delivery for the HubSpot account stops while its token is refused (401/403).
 * Every record is kept; one batch probes now and then whether access is back.
 */
export class AuthPause {
  private failure: AuthFailure | undefined;
  private nextProbe = 0;
  private probing = false;

  constructor(private readonly probeIntervalMs: number) {}

  get current(): AuthFailure | undefined {
    return this.failure;
  }

  /** Whether a batch may be sent now; while paused, only one probe at a time once the interval passed. */
  mayClaim(now: number): boolean {
    if (!this.failure) return true;
    return !this.probing && now >= this.nextProbe;
  }

  /** The time the next probe is due, when paused. */
  wakeAt(): number | undefined {
    return this.failure ? this.nextProbe : undefined;
  }

  claimed(): void {
    if (this.failure) this.probing = true;
  }

  /** The probing batch went out unsent (its lease was lost): another may probe. */
  unsent(): void {
    this.probing = false;
  }

  /** Takes on a pause another replica saw (shared store), with its next probe time. */
  adopt(failure: AuthFailure, nextProbeInMs: number, now: number): void {
    this.failure = failure;
    this.nextProbe = now + Math.max(0, nextProbeInMs);
  }

  /** Another replica's probe was accepted: delivery resumes here too. */
  clear(): void {
    this.failure = undefined;
    this.probing = false;
  }

  /** Records what a call said; returns 'paused' or 'resumed' on a change, for logging. */
  observe(answer: HubspotAnswer, now: number): 'paused' | 'resumed' | undefined {
    this.probing = false;
    if (answer.kind === 'auth') {
      const first = !this.failure;
      this.nextProbe = now + this.probeIntervalMs;
      this.failure = {
        status: answer.status,
        category: answer.category,
        message: answer.message,
        scopes: answer.scopes,
        since: this.failure?.since ?? new Date(now).toISOString(),
        nextProbeAt: new Date(this.nextProbe).toISOString(),
      };
      return first ? 'paused' : undefined;
    }
    if (!this.failure) return undefined;
    if (answer.kind === 'transient' || answer.kind === 'rate-limited') {
      // The probe learned nothing about the token: try again after the interval.
      this.nextProbe = now + this.probeIntervalMs;
      this.failure = { ...this.failure, nextProbeAt: new Date(this.nextProbe).toISOString() };
      return undefined;
    }
    this.failure = undefined;
    return 'resumed';
  }
}
