import { backoffMs, type Backoff } from '../support/backoff.js';
import { ZoomApiError } from '../sources/zoom/api/errors.js';
import type { ReconcileJob, ReconcileSettlement } from '../store/ports.js';

/** Zoom's reports appear some time after the end: a 404 is retried for this long before the job is dead. */
export const NOT_READY_LIMIT_MS = 24 * 3_600_000;
/** Waits between tries of a job whose report is not there yet or whose call failed. */
export const RETRY_BACKOFF: Backoff = { firstMs: 30_000, maxMs: 3_600_000, jitter: 'equal' };
/** A 429 without a Retry-After waits this long. */
const RATE_LIMIT_FALLBACK_MS = 60_000;

/** Plain words for an operator, when the Zoom app lacks a scope the reconciliation needs. */
export const SCOPE_ADVICE =
  'the Zoom Server-to-Server OAuth app lacks a scope: add report:read:admin and webinar:read:admin (meeting:read:admin for meetings) on its Scopes page, then replay the job';

/** What becomes of a job whose run failed with `error`. */
export function settlementForFailure(
  job: ReconcileJob,
  error: unknown,
  now: number,
  random: () => number = Math.random,
): ReconcileSettlement {
  const retryAt = () => now + backoffMs(RETRY_BACKOFF, job.attempts, random);
  if (!(error instanceof ZoomApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'retry', dueAt: retryAt(), error: message, countAttempt: true };
  }
  switch (error.kind) {
    case 'rate-limit':
      // Nobody's failure: the wait Zoom asked for (a date-time for a daily limit), not counted as an attempt.
      return { status: 'retry', dueAt: now + (error.retryAfterMs ?? RATE_LIMIT_FALLBACK_MS), error: error.message, countAttempt: false };
    case 'not-ready': {
      const since = job.notReadySince ?? now;
      if (now - since >= NOT_READY_LIMIT_MS) return { status: 'dead', error: `report still not available after 24 h: ${error.message}` };
      return { status: 'retry', dueAt: retryAt(), error: error.message, countAttempt: true, notReadySince: since };
    }
    case 'unavailable':
      return { status: 'retry', dueAt: retryAt(), error: error.message, countAttempt: true };
    case 'scope':
      return { status: 'dead', error: `${SCOPE_ADVICE} (${error.message})` };
    case 'refused':
      return { status: 'dead', error: error.message };
  }
}
