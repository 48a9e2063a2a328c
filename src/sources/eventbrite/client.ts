import { Agent, request } from 'undici';
import { DetailsFetchError } from '../types.js';
import { CallBudget } from './call-budget.js';
import { retryAfterMs } from '../../support/retry-after.js';
import { backoffMs, type Backoff } from '../../support/backoff.js';

export interface EventbriteClientOptions {
  apiToken: string;
  requestTimeoutMs: number;
  requestsPerHour: number;
  requestsPerDay: number;
  now?: () => number;
  /** The longest a call waits in-process for its slot; beyond, the fetch is rescheduled. */
  maxSlotWaitMs?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** An order with every attendee expanded stays far below this. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** A 429 without Retry-After pauses 30 s, doubling with each one in a row, up to 15 minutes. */
const PAUSE_BACKOFF: Backoff = { firstMs: 30_000, maxMs: 15 * 60_000, jitter: 'none' };

/** Eventbrite's error body: `{"status_code": 404, "error": "NOT_FOUND", "error_description": "..."}`. */
function describeErrorBody(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    const parts = [body.error, body.error_description].filter((p): p is string => typeof p === 'string' && p !== '');
    return parts.length > 0 ? ` ${parts.join(': ').slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

/**
 * GETs from Eventbrite's API with the organizer's token (never in the URL, never in a message),
 * inside the per-token call budget, and turns every failure into a DetailsFetchError saying
 * whether a retry can help: network trouble, timeouts, 408, 429 and 5xx can; 401, 403, 404 and
 * other answers cannot. Redirects are not followed (the SSRF guard checked this URL only).
 */
export class EventbriteClient {
  private agent: Agent | undefined;
  private readonly budget: CallBudget;
  private readonly now: () => number;
  private pausesInARow = 0;

  constructor(private readonly options: EventbriteClientOptions) {
    this.now = options.now ?? Date.now;
    this.budget = new CallBudget(
      [
        { max: options.requestsPerHour, windowMs: HOUR_MS },
        { max: options.requestsPerDay, windowMs: DAY_MS },
      ],
      this.now,
    );
  }

  /** Calls made in the last hour (for tests and logs). */
  callsInLastHour(): number {
    return this.budget.used(HOUR_MS);
  }

  private dispatcher(): Agent {
    // Made on first use: the copy of the source in the request thread never fetches.
    this.agent ??= new Agent({
      connections: 8,
      keepAliveTimeout: 10_000,
      headersTimeout: this.options.requestTimeoutMs,
      bodyTimeout: this.options.requestTimeoutMs,
    });
    return this.agent;
  }

  async getJson(url: URL, signal: AbortSignal): Promise<unknown> {
    const what = `Eventbrite GET ${url.pathname}`;
    const paused = this.budget.pausedForMs();
    // Waiting out a rate limit is nobody's failure: it does not count toward the attempt limit.
    if (paused > 0)
      throw new DetailsFetchError(`${what}: paused after Eventbrite's 429 for ${Math.ceil(paused / 1000)} s more`, true, paused, false);
    await this.budget.acquire(this.options.maxSlotWaitMs ?? 5000, signal, (retryInMs) => {
      const limits = `${this.options.requestsPerHour} per hour, ${this.options.requestsPerDay} per day`;
      return new DetailsFetchError(
        `${what}: Eventbrite call budget used up (${limits}); next call in ${Math.ceil(retryInMs / 1000)} s`,
        true,
        retryInMs,
        false,
      );
    });

    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    let response: Awaited<ReturnType<typeof request>>;
    let text: string;
    try {
      response = await request(url, {
        method: 'GET',
        dispatcher: this.dispatcher(),
        headers: { authorization: `Bearer ${this.options.apiToken}`, accept: 'application/json', 'user-agent': 'hubspot-attendance-relay' },
        signal: AbortSignal.any([signal, timeout]),
      });
      text = await readCapped(response.body, MAX_BODY_BYTES);
    } catch (error) {
      if (signal.aborted) throw error; // shutting down: not a failure of the fetch
      if (timeout.aborted) throw new DetailsFetchError(`${what}: no answer within ${this.options.requestTimeoutMs} ms`, true);
      if (error instanceof DetailsFetchError) throw error;
      const code = (error as { code?: string }).code;
      throw new DetailsFetchError(`${what}: ${code ?? (error as Error).name ?? 'network error'}`, true);
    }

    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      this.pausesInARow = 0;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new DetailsFetchError(`${what}: ${status} with a body that is not JSON`, true);
      }
    }
    const detail = describeErrorBody(text);
    if (status === 429) {
      this.pausesInARow++;
      const hinted = retryAfterMs(response.headers['retry-after'], this.now());
      const pauseMs = hinted ?? backoffMs(PAUSE_BACKOFF, this.pausesInARow - 1);
      this.budget.pause(this.now() + pauseMs);
      throw new DetailsFetchError(`${what}: 429${detail}; every call paused ${Math.ceil(pauseMs / 1000)} s`, true, pauseMs, false);
    }
    if (status === 408 || status >= 500) throw new DetailsFetchError(`${what}: ${status}${detail}`, true);
    if (status === 401 || status === 403) {
      throw new DetailsFetchError(`${what}: ${status}${detail} (Eventbrite refused the API token: check apiToken)`, false);
    }
    if (status >= 300 && status < 400) throw new DetailsFetchError(`${what}: ${status} redirect not followed`, false);
    throw new DetailsFetchError(`${what}: ${status}${detail}`, false);
  }
}

async function readCapped(
  body: AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => unknown },
  maxBytes: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) {
      body.destroy?.();
      throw new DetailsFetchError(`Eventbrite answered more than ${maxBytes} bytes`, false);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
