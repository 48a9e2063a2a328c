import { Agent, request } from 'undici';
import { classifyAnswer, readRateLimitHeaders } from './read-answer.js';
import type { HubspotAnswer, HubspotAttendanceInput, HubspotAttendanceState, HubspotEventRef, RateLimitHeaders } from './types.js';

export interface HubspotClientOptions {
  baseUrl: string;
  accessToken: string;
  requestTimeoutMs: number;
  connections?: number;
}

export interface HubspotCall {
  answer: HubspotAnswer;
  rateLimit: RateLimitHeaders;
  durationMs: number;
}

/** One path segment; "." and ".." (which encodeURIComponent leaves alone) are escaped so no URL parser drops them. */
function segment(id: string): string {
  return id === '.' || id === '..' ? id.replaceAll('.', '%2E') : encodeURIComponent(id);
}

/** The email-create path for an event (HubSpot Marketing Events v3). */
export function attendancePath(event: HubspotEventRef, state: HubspotAttendanceState): string {
  const s = encodeURIComponent(state);
  if ('objectId' in event) {
    return `/marketing/v3/marketing-events/${segment(event.objectId)}/attendance/${s}/email-create`;
  }
  const query = new URLSearchParams({ externalAccountId: event.externalAccountId });
  return `/marketing/v3/marketing-events/attendance/${segment(event.externalEventId)}/${s}/email-create?${query}`;
}

/** One HTTP call to HubSpot's attendance endpoint; never throws for HTTP or network trouble. */
export class HubspotClient {
  private readonly agent: Agent;
  private readonly base: string;

  private accessToken: string;

  constructor(private readonly options: HubspotClientOptions) {
    this.accessToken = options.accessToken;
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
    return this.send('POST', attendancePath(event, state), { inputs }, signal);
  }

  /** One JSON call to any path of the API (the marketing events endpoints); never throws for HTTP or network trouble. */
  async send(method: 'GET' | 'POST', path: string, payload: unknown, signal?: AbortSignal): Promise<HubspotCall> {
    const started = performance.now();
    try {
      const response = await request(this.base + path, {
        method,
        dispatcher: this.agent,
        headers: {
          authorization: `Bearer ${this.accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(this.options.requestTimeoutMs)])
          : AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.body.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = { message: `non-JSON answer: ${text.slice(0, 200)}` };
      }
      return {
        answer: classifyAnswer(response.statusCode, response.headers, body),
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
    this.accessToken = token;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
