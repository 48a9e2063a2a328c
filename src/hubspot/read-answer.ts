import type { ReceivedBatchResponse, HubspotAnswer, RateLimitHeaders } from './types.js';
import { retryAfterMs } from '../support/retry-after.js';

type Headers = Record<string, string | string[] | undefined>;

function headerNumber(headers: Headers, name: string): number | undefined {
  const raw = headers[name];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw === undefined || !Number.isFinite(value) ? undefined : value;
}

export function readRateLimitHeaders(headers: Headers): RateLimitHeaders {
  return {
    intervalMs: headerNumber(headers, 'x-hubspot-ratelimit-interval-milliseconds'),
    max: headerNumber(headers, 'x-hubspot-ratelimit-max'),
    remaining: headerNumber(headers, 'x-hubspot-ratelimit-remaining'),
    dailyRemaining: headerNumber(headers, 'x-hubspot-ratelimit-daily-remaining'),
  };
}

function scopesFrom(body: Record<string, unknown>): string[] {
  // The spec's example says missingScopes; live answers put requiredScopes under errors[].context. Read both.
  const scopes = new Set<string>();
  const collect = (context: unknown) => {
    if (!context || typeof context !== 'object') return;
    for (const name of ['missingScopes', 'requiredScopes']) {
      const list = (context as Record<string, unknown>)[name];
      if (Array.isArray(list)) list.forEach((s) => scopes.add(String(s)));
    }
  };
  collect(body.context);
  if (Array.isArray(body.errors)) for (const e of body.errors) collect((e as { context?: unknown }).context);
  return [...scopes];
}

/** Sorts an HTTP answer from HubSpot into what the relay does about it. */
export function classifyAnswer(status: number, headers: Headers, body: unknown): HubspotAnswer {
  const object = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const message = typeof object.message === 'string' ? object.message : `HTTP ${status}`;
  const correlationId = typeof object.correlationId === 'string' ? object.correlationId : undefined;
  if (status >= 200 && status < 300) return { kind: 'ok', status, body: object as ReceivedBatchResponse };
  if (status === 401 || status === 403) {
    const category = typeof object.category === 'string' ? object.category : status === 401 ? 'INVALID_AUTHENTICATION' : 'MISSING_SCOPES';
    return { kind: 'auth', status, category, message, scopes: scopesFrom(object), correlationId };
  }
  if (status === 429) {
    const policy = typeof object.policyName === 'string' ? object.policyName : 'UNKNOWN';
    return { kind: 'rate-limited', status, policy, message, retryAfterMs: retryAfterMs(headers['retry-after']), correlationId };
  }
  if (status === 423 || status === 408 || status >= 500) {
    // HubSpot asks for at least 2 s after a 423 Locked.
    const floor = status === 423 ? 2000 : undefined;
    const after = retryAfterMs(headers['retry-after']);
    return { kind: 'transient', status, message, retryAfterMs: after ?? floor, correlationId };
  }
  if (status === 400) return { kind: 'rejected', status, message, correlationId };
  return { kind: 'failed', status, message, correlationId };
}
