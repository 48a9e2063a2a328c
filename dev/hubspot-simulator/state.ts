import { FaultQueue } from './faults.js';
import { MarketingEvents, type ExternalEventsMode } from './marketing-events.js';
import { RateLimiter } from './rate-window.js';
import type { AttendanceRow, RateLimit, RecordedRequest, SimulatorStats, TokenTable } from './types.js';

// HubSpot contact ids are large integers; starting high makes them look like real vids.
const FIRST_VID = 100_001;

/** Everything the simulated HubSpot account remembers, shared by the HTTP routes and the JS API. */
export class SimulatorState {
  tokens: TokenTable;
  readonly limiter: RateLimiter;
  readonly faults: FaultQueue;
  /** Marketing events this app created (marketing-events.ts). */
  readonly events: MarketingEvents;
  private readonly vids = new Map<string, number>();
  private recorded: RecordedRequest[] = [];
  private stored: AttendanceRow[] = [];
  private counters = { accepted: 0, rateLimited: 0, duplicateEmailRequests: 0 };
  private shutdown = new AbortController();

  constructor(config: {
    tokens: TokenTable;
    rateLimit: RateLimit;
    dailyLimit: number;
    random?: () => number;
    externalEvents?: ExternalEventsMode;
  }) {
    this.events = new MarketingEvents(config.externalEvents);
    this.faults = new FaultQueue(config.random);
    this.tokens = structuredClone(config.tokens);
    this.limiter = new RateLimiter(config.rateLimit, config.dailyLimit);
  }

  /** Aborted on close(), so that latency faults do not hold the process open. */
  get closing(): AbortSignal {
    return this.shutdown.signal;
  }

  close(): void {
    this.shutdown.abort();
  }

  /**
   * Records a request on arrival (so requests() is in arrival order even when answers are
   * delayed); the caller fills in status and response on the returned object.
   */
  recordArrival(request: RecordedRequest, emails: readonly string[]): RecordedRequest {
    this.recorded.push(request);
    if (new Set(emails).size < emails.length) this.counters.duplicateEmailRequests += 1;
    return request;
  }

  countAccepted(): void {
    this.counters.accepted += 1;
  }

  countRateLimited(): void {
    this.counters.rateLimited += 1;
  }

  store(rows: readonly AttendanceRow[]): void {
    this.stored.push(...rows);
  }

  /** A contact is created the first time an email is seen; its vid never changes afterwards. */
  vidFor(email: string): number {
    const key = email.toLowerCase();
    let vid = this.vids.get(key);
    if (vid === undefined) {
      vid = FIRST_VID + this.vids.size;
      this.vids.set(key, vid);
    }
    return vid;
  }

  requests(): RecordedRequest[] {
    return structuredClone(this.recorded);
  }

  attendance(): AttendanceRow[] {
    return structuredClone(this.stored);
  }

  stats(): SimulatorStats {
    return {
      requests: this.recorded.length,
      accepted: this.counters.accepted,
      rateLimited: this.counters.rateLimited,
      peakInWindow: this.limiter.peakInWindow,
      duplicateEmailRequests: this.counters.duplicateEmailRequests,
    };
  }

  /** Forgets the recording, faults, rate windows and events; tokens, limits and contacts (vids) stay. */
  reset(): void {
    this.recorded = [];
    this.stored = [];
    this.counters = { accepted: 0, rateLimited: 0, duplicateEmailRequests: 0 };
    this.faults.clear();
    this.limiter.reset();
    this.events.reset();
  }
}
