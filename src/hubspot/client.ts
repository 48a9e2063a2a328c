import { Agent, request } from 'undici';
import { classifyAnswer, readRateLimitHeaders } from './read-answer.js';
import { StaticToken, type AccessTokenSource } from './access-token.js';
import {
  attendancePath,
  DEFAULT_API_VERSION,
  marketingEventsPaths,
  type HubspotApiVersion,
  type MarketingEventsPaths,
} from './api-paths.js';
import type { HubspotAnswer, HubspotAttendanceInput, HubspotAttendanceState, HubspotEventRef, RateLimitHeaders } from './types.js';

export interface HubspotClientOptions {
  baseUrl: string;
  /** A fixed bearer token (Service Key or private-app token); `tokens` takes precedence. */
  accessToken?: string;
  /** Where each call's bearer token comes from (a fixed token, or OAuth). */
  tokens?: AccessTokenSource;
  /** `v3` (the default) or a date version such as `2026-09`: which paths the calls use. */
  apiVersion?: HubspotApiVersion;
  requestTimeoutMs: number;
  connections?: number;
}

export interface HubspotCall {
  answer: HubspotAnswer;
  rateLimit: RateLimitHeaders;
  durationMs: number;
}

// The paths live in api-paths.ts; attendancePath is re-exported for the callers that know it from here.
export { attendancePath } from './api-paths.js';

/**
 * HTTP calls to HubSpot's marketing-events API (attendance, and the events the relay keeps).
 */
export class HubspotClient {
  private readonly agent: Agent;
  private readonly base: string;

  private tokens: AccessTokenSource;
  private readonly apiVersion: HubspotApiVersion;

  constructor(private readonly options: HubspotClientOptions) {
    this.tokens = options.tokens ?? new StaticToken(options.accessToken ?? '');
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.agent = new Agent({
      connections: options.connections ?? 8,
      keepAliveTimeout: 30_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
  }

  async postAttendance(
    event: HubspotEventRef,
    state: HubspotAttendanceState,
    inputs: HubspotAttendanceInput[],
    signal?: AbortSignal,
  ): Promise<HubspotCall> {
    return this.send('POST', attendancePath(event, state, this.apiVersion), { inputs }, signal);
  }

  /** The marketing-events paths of the configured API version (create, complete, cancel, read). */
  get eventPaths(): MarketingEventsPaths {
    return marketingEventsPaths(this.apiVersion);
  }

  /**
   * One JSON call to any path of the API; never throws for HTTP or network trouble. A 401 with an
   * OAuth token is tried once more with a freshly refreshed token.
   */
  async send(method: 'GET' | 'POST', path: string, payload: unknown, signal?: AbortSignal): Promise<HubspotCall> {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const started = performance.now();
    const tokens = this.tokens;
    const first = await tokens.token();
    if (!first.ok) return { answer: first.answer, rateLimit: {}, durationMs: performance.now() - started };
    const call = await this.call(method, path, body, first.token, signal);
    if (call.answer.kind !== 'auth' || call.answer.status !== 401 || !tokens.refused(first.token)) return call;
    const again = await tokens.token();
    if (!again.ok) return { answer: again.answer, rateLimit: {}, durationMs: performance.now() - started };
    return this.call(method, path, body, again.token, signal);
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    token: string,
    signal?: AbortSignal,
  ): Promise<HubspotCall> {
    const started = performance.now();
    try {
      const response = await request(this.base + path, {
        method,
        dispatcher: this.agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(this.options.requestTimeoutMs)])
          : AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.body.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        parsed = { message: `non-JSON answer: ${text.slice(0, 200)}` };
      }
      return {
        answer: classifyAnswer(response.statusCode, response.headers, parsed),
        rateLimit: readRateLimitHeaders(response.headers),
        durationMs: performance.now() - started,
      };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { answer: { kind: 'transient', message }, rateLimit: {}, durationMs: performance.now() - started };
    }
  }

  /** A fixed token, from a configuration reload: used from the next call on. */
  setAccessToken(token: string): void {
    this.tokens = new StaticToken(token);
  }

  /** New credentials (a reload: a fixed token, or OAuth): used from the next call on. */
  setTokens(tokens: AccessTokenSource): void {
    this.tokens = tokens;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
