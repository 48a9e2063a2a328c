import type { RecordStatus, WebhookStatus } from '../store/ports.js';
import { HUBSPOT_INTAKE_SOURCE_ID } from '../sources/hubspot-compat/index.js';
import type { BatchResponse, StandardError } from './answer-shapes.js';

/** The path of a batch's status route (relative: the SDK's `apiRequest({ path })` resolves it against its basePath); `id` from batchIdFor. */
export function batchPath(id: string): string {
  return `/intake/batches/${id}`;
}

/** A record in one of these is done: nothing more happens to it. */
export const SETTLED: ReadonlySet<RecordStatus> = new Set(['delivered', 'dead', 'superseded']);

const iso = (ms: number) => new Date(ms).toISOString();

/** The answer for a batch just stored: nothing read yet. */
export function pendingAnswer(id: string, receivedAt: number, now = Date.now()): BatchResponse {
  return {
    status: 'PENDING',
    results: [],
    requestedAt: iso(receivedAt),
    startedAt: iso(receivedAt),
    completedAt: iso(now),
    links: { status: batchPath(id) },
  };
}

/**
 * A stored batch as HubSpot's BatchResponseSubscriberEmailResponse: PENDING until processing read
 * it, PROCESSING while any of its records waits for delivery, COMPLETE once each is delivered or
 * dead. `results` holds delivered inputs HubSpot answered with a vid (an input HubSpot chose not to
 * store, e.g. an attend without joinedAt/leftAt, is in neither list, as in HubSpot's own answer);
 * `errors` holds dead ones with HubSpot's message.
 */
export function batchAnswer(batch: WebhookStatus, id: string, now = Date.now()): BatchResponse {
  const processed = batch.processedAt !== undefined;
  const complete = processed && batch.records.every((r) => SETTLED.has(r.status));
  const results = batch.records
    .filter((r) => r.status === 'delivered' && r.vid !== undefined)
    .map((r) => ({ email: r.email, vid: r.vid as number }));
  const errors = batch.records.filter((r) => r.status === 'dead').map((r) => standardError(r.email, r.lastError));
  const settledAt = Math.max(batch.processedAt ?? batch.receivedAt, ...batch.records.map((r) => r.updatedAt));
  const answer: BatchResponse = {
    status: complete ? 'COMPLETE' : processed ? 'PROCESSING' : 'PENDING',
    results,
    requestedAt: iso(batch.receivedAt),
    startedAt: iso(batch.processedAt ?? batch.receivedAt),
    completedAt: iso(complete ? settledAt : now),
    links: { status: batchPath(id) },
  };
  if (errors.length > 0) {
    answer.numErrors = errors.length;
    answer.errors = errors;
  }
  return answer;
}

/** Whether a stored row is an intake batch: other sources' webhooks are not readable through the batch route. */
export function isIntakeBatch(batch: WebhookStatus): boolean {
  return batch.sourceId === HUBSPOT_INTAKE_SOURCE_ID;
}

const CATEGORY_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'INVALID_AUTHENTICATION',
  403: 'MISSING_SCOPES',
  404: 'OBJECT_NOT_FOUND',
  409: 'CONFLICT',
  423: 'LOCKED',
  429: 'RATE_LIMITS',
};

/**
 * A dead record's last error as HubSpot's StandardError. The delivery engine writes
 * `CATEGORY/subCategory: message` (an input error in a 200), `HTTP <status>: message` (a refused
 * request) or `undelivered after N h; last error: ...` (given up); HubSpot's words are kept.
 */
export function standardError(email: string, lastError: string | undefined): StandardError {
  const text = lastError ?? 'dead-lettered';
  const expired = /^undelivered after [^;]*; last error: ([\s\S]*)$/.exec(text);
  const inner = expired?.[1] ?? text;
  let category = 'INTERNAL_ERROR';
  let subCategory: string | undefined;
  let message = inner;
  const categorised = /^([A-Z][A-Z0-9_]+)(?:\/([^\s:]+))?: ([\s\S]*)$/.exec(inner);
  const http = /^HTTP (\d{3}): ([\s\S]*)$/.exec(inner);
  if (categorised) {
    [, category = category, subCategory, message = inner] = categorised;
  } else if (http) {
    category = CATEGORY_BY_STATUS[Number(http[1])] ?? category;
    message = http[2] ?? inner;
  }
  const error: StandardError = {
    status: 'error',
    category,
    message: expired ? text : message,
    context: { emails: [email] },
    errors: [],
    links: {},
  };
  if (subCategory !== undefined) error.subCategory = subCategory;
  return error;
}
