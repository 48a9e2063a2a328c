/** Public types of the HubSpot Marketing Events attendance simulator. */
import type { OAuthAppOptions, OAuthControl } from './oauth.js';

export const SUBSCRIBER_STATES = ['register', 'attend', 'cancel'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

/** The scope both attendance endpoints demand (spec: `security: oauth2`). */
export const WRITE_SCOPE = 'crm.objects.marketing_events.write';

export interface TokenGrant {
  scopes: string[];
  /** An OAuth access token's expiry, epoch ms (POST /oauth/v1/token issues these); none: it never expires. */
  expiresAt?: number;
  /** An OAuth access token (not a private-app token or Service Key): see token-info-routes.ts. */
  oauth?: boolean;
}
export type TokenTable = Record<string, TokenGrant>;

export interface RateLimit {
  max: number;
  intervalMs: number;
}

export interface HubspotSimulatorOptions {
  /** Decides which requests a probability fault hits (default Math.random); seeded in tests. */
  random?: () => number;
  host?: string;
  port?: number;
  tokens?: TokenTable;
  rateLimit?: RateLimit;
  dailyLimit?: number;
  logger?: boolean;
  /** The OAuth app behind POST /oauth/v1/token (default: DEFAULT_OAUTH_APP in oauth.ts). */
  oauth?: OAuthAppOptions;
  /**
   * `created-only` (HubSpot's way, the default): the external-id attendance endpoint answers 404 for an
   * event this app never created by upsert. `any`: every external id is taken (tests and the sandbox
   * that predate createEvents).
   */
  externalEvents?: 'created-only' | 'any';
}

export interface RecordedRequest {
  /** Arrival time, epoch ms. */
  at: number;
  method: string;
  /** URL path without the query string. */
  path: string;
  /** `object:<objectId>` or `external:<externalAccountId>:<externalEventId>`. */
  eventKey: string;
  /** The subscriberState path segment exactly as sent. */
  state: string;
  token: string | undefined;
  /** Parsed JSON body, or the raw text when it was not JSON (undefined when empty). */
  body: unknown;
  /** HTTP status answered; 0 when no answer was sent (`drop` fault). */
  status: number;
  /** Body answered (the full intended body for `reset-mid-response`). */
  response: unknown;
  /** Number of entries in `inputs` (0 when there is no such array). */
  inputs: number;
  /** Fault kinds applied, joined with `+` (e.g. `latency+status`). */
  fault?: string;
}

export interface AttendanceRow {
  eventKey: string;
  state: SubscriberState;
  /** Lower-cased. */
  email: string;
  vid: number;
  interactionDateTime: number;
  properties: Record<string, string>;
  contactProperties: Record<string, string>;
  /** When it was stored, epoch ms. */
  at: number;
}

export interface SimulatorStats {
  requests: number;
  /** Requests admitted by the rate limiter (counted toward the rolling window). */
  accepted: number;
  /** Requests answered 429, by the real limiter or by a `rate-limit` fault. */
  rateLimited: number;
  /** Most admitted requests ever seen inside one rolling window of one token. */
  peakInWindow: number;
  /** Requests holding two inputs with the same email (case-insensitive). */
  duplicateEmailRequests: number;
}

export interface FaultMatch {
  state?: string;
  eventKey?: string;
  /** The request holds an input with this email (case-insensitive). */
  email?: string;
}

interface FaultBase {
  /** Apply to the next N matching requests (default 1). Ignored when probability is set. */
  count?: number;
  /** Apply to each matching request with this chance, until clearFaults(). */
  probability?: number;
  match?: FaultMatch;
}

export interface StatusFault extends FaultBase {
  kind: 'status';
  status: number;
  body?: unknown;
  retryAfterSeconds?: number;
}
export interface RateLimitFault extends FaultBase {
  kind: 'rate-limit';
  policy: 'TEN_SECONDLY_ROLLING' | 'DAILY';
  retryAfterSeconds?: number;
}
export interface LatencyFault extends FaultBase {
  kind: 'latency';
  ms: number;
}
export interface DropFault extends FaultBase {
  kind: 'drop';
}
export interface ResetMidResponseFault extends FaultBase {
  kind: 'reset-mid-response';
}
export interface RejectBatchFault extends FaultBase {
  kind: 'reject-batch';
}
export interface InputErrorFault extends FaultBase {
  kind: 'input-error';
  category: string;
  subCategory?: string;
  message?: string;
}

export type Fault = StatusFault | RateLimitFault | LatencyFault | DropFault | ResetMidResponseFault | RejectBatchFault | InputErrorFault;

/** Faults that decide the whole answer; at most one applies per request. */
export type GateFault = StatusFault | RateLimitFault | DropFault | ResetMidResponseFault | RejectBatchFault;

export interface HubspotSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  requests(): RecordedRequest[];
  attendance(): AttendanceRow[];
  stats(): SimulatorStats;
  inject(fault: Fault): void;
  clearFaults(): void;
  setTokens(tokens: TokenTable): void;
  setRateLimit(limit: RateLimit): void;
  reset(): void;
  /** The simulated OAuth app: refuse refreshes, expire issued tokens, see what was issued. */
  oauth: OAuthControl;
  /** The account's hub id and marketing events, and the token-information and event reads (portal.ts). */
  portal: import('./portal.js').PortalState;
  /** Marketing events created by upsert, with their fields and state. */
  events(): import('./marketing-events.js').SimulatedEvent[];
  /** Takes an external event as created without an upsert (for tests that predate createEvents). */
  preCreateEvent(externalAccountId: string, externalEventId: string): void;
}
