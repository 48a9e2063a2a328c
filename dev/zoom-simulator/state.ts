/**
 * What the Zoom simulator serves and remembers. Field names follow Zoom's API reference (see
 * README.md): report rows `id, user_id, name, user_email, join_time, leave_time, duration,
 * registrant_id`; registrants `id, email, first_name, last_name, status`; past instances `uuid, start_time`.
 */
export interface SimParticipant {
  id?: string;
  user_id?: string;
  name?: string;
  user_email?: string;
  join_time: string;
  leave_time: string;
  duration?: number;
  registrant_id?: string;
}

export interface SimRegistrant {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  status?: 'approved' | 'pending' | 'denied';
}

export interface SimInstance {
  /** The webinar or meeting id. */
  id: string;
  kind: 'webinar' | 'meeting';
  uuid: string;
  start_time: string;
  participants: SimParticipant[];
  registrants: SimRegistrant[];
  /** The report answers 404 ("not ready") this many more times. */
  notReadyTimes?: number;
}

export interface SimCall {
  method: string;
  /** The path as received (still encoded). */
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface SimFaults {
  /** The next report or registrant calls answer 429 with this Retry-After (seconds, or a date-time). */
  rateLimit?: { times: number; retryAfter: string };
  /** Every API call answers this (e.g. a scope error), until cleared. */
  refuseAll?: { status: number; code: number; message: string };
}

export class ZoomSimState {
  readonly instances: SimInstance[] = [];
  readonly calls: SimCall[] = [];
  readonly faults: SimFaults = {};
  /** Issued tokens and when they stop working (ms since the epoch). */
  readonly tokens = new Map<string, number>();
  tokenTtlSeconds = 3600;
  private issued = 0;

  constructor(readonly credentials: { accountId: string; clientId: string; clientSecret: string }) {}

  issueToken(now: number): { access_token: string; token_type: 'bearer'; expires_in: number; scope: string } {
    const token = `sim-zoom-token-${++this.issued}`;
    this.tokens.set(token, now + this.tokenTtlSeconds * 1000);
    return { access_token: token, token_type: 'bearer', expires_in: this.tokenTtlSeconds, scope: 'report:read:admin webinar:read:admin' };
  }

  /** Every token issued so far stops working (as when one expires or the app is reactivated). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  tokenValid(token: string | undefined, now: number): boolean {
    return token !== undefined && (this.tokens.get(token) ?? 0) > now;
  }
}
