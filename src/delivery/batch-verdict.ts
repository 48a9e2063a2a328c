import type { HubspotAnswer, HubspotStandardError, ReceivedBatchResponse } from '../hubspot/types.js';
import type { DeliveryOutcome, DeliveryRecord } from '../store/ports.js';
import { backoffMs, type Backoff } from '../support/backoff.js';

export interface OutcomeContext {
  now: number;
  maxAgeMs: number;
  random?: () => number;
}

export interface BatchVerdict {
  outcomes: DeliveryOutcome[];
  /** A 400 on several inputs: deliver the halves separately to isolate the bad one(s). */
  split?: [DeliveryRecord[], DeliveryRecord[]];
}

/** Record-level backoff after a round of tries failed: 5 s doubling to 10 min. */
export const RECORD_BACKOFF: Backoff = { firstMs: 5000, maxMs: 600_000, jitter: 'equal' };

export function rescheduleAt(attempts: number, now: number, random: () => number = Math.random): number {
  return now + Math.round(backoffMs(RECORD_BACKOFF, attempts, random));
}

const BOUNDARY = /[\s`'"<>()[\],;:]/u;

/** Whether `text` names `email` as a whole address (HubSpot quotes them: for `a@b.com`). */
function mentions(text: string, email: string): boolean {
  const lower = text.toLowerCase();
  for (let at = lower.indexOf(email); at >= 0; at = lower.indexOf(email, at + 1)) {
    const before = lower[at - 1];
    const after = lower[at + email.length];
    if ((before === undefined || BOUNDARY.test(before)) && (after === undefined || after === '.' || BOUNDARY.test(after))) return true;
  }
  return false;
}

/** The batch emails an error names, in its context values or its message. */
function emailsNamedBy(error: HubspotStandardError, batchEmails: Set<string>): string[] {
  const found = new Set<string>();
  const texts = [...Object.values(error.context ?? {}).flatMap((values) => values ?? []), error.message ?? ''].filter(
    (t): t is string => typeof t === 'string',
  );
  for (const text of texts) {
    const exact = text.trim().toLowerCase();
    if (batchEmails.has(exact)) found.add(exact);
  }
  for (const email of batchEmails) if (!found.has(email) && texts.some((t) => mentions(t, email))) found.add(email);
  return [...found];
}

function describe(error: HubspotStandardError): string {
  const sub = typeof error.subCategory === 'string' ? `/${error.subCategory}` : '';
  return `${error.category ?? 'ERROR'}${sub}: ${error.message ?? 'no message'}`;
}

function retryOrDie(record: DeliveryRecord, error: string, ctx: OutcomeContext, countAttempt = true): DeliveryOutcome {
  if (countAttempt && ctx.now - record.createdAt > ctx.maxAgeMs) {
    return { id: record.id, kind: 'dead', error: `undelivered after ${Math.round(ctx.maxAgeMs / 3_600_000)} h; last error: ${error}` };
  }
  const notBefore = countAttempt ? rescheduleAt(record.attempts, ctx.now, ctx.random) : ctx.now;
  return { id: record.id, kind: 'retry', error, notBefore, countAttempt };
}

/** Reads HubSpot's answer for a batch into one outcome per record. */
export function judgeBatch(records: DeliveryRecord[], answer: HubspotAnswer, ctx: OutcomeContext): BatchVerdict {
  switch (answer.kind) {
    case 'ok':
      return { outcomes: judgeInputs(records, answer.body, ctx) };
    case 'rejected': {
      if (records.length === 1) {
        const [only] = records as [DeliveryRecord];
        return { outcomes: [{ id: only.id, kind: 'dead', error: `HTTP ${answer.status}: ${answer.message}` }] };
      }
      const middle = Math.ceil(records.length / 2);
      return { outcomes: [], split: [records.slice(0, middle), records.slice(middle)] };
    }
    case 'failed':
      return { outcomes: records.map((r) => ({ id: r.id, kind: 'dead', error: `HTTP ${answer.status}: ${answer.message}` })) };
    case 'auth':
    case 'rate-limited':
      // Not the records' fault: they wait for the pause to end without spending an attempt.
      return { outcomes: records.map((r) => retryOrDie(r, `HTTP ${answer.status}: ${answer.message}`, ctx, false)) };
    case 'transient':
      return {
        outcomes: records.map((r) => retryOrDie(r, answer.status ? `HTTP ${answer.status}: ${answer.message}` : answer.message, ctx)),
      };
  }
}

function judgeInputs(records: DeliveryRecord[], body: ReceivedBatchResponse, ctx: OutcomeContext): DeliveryOutcome[] {
  const vids = new Map<string, number | undefined>();
  for (const result of body.results ?? []) {
    if (typeof result.email === 'string') vids.set(result.email.toLowerCase(), result.vid);
  }
  const batchEmails = new Set(records.map((r) => r.email));
  const errorsByEmail = new Map<string, HubspotStandardError[]>();
  let unattributed = 0;
  for (const error of body.errors ?? []) {
    const named = emailsNamedBy(error, batchEmails);
    if (named.length === 0) unattributed++;
    for (const email of named) errorsByEmail.set(email, [...(errorsByEmail.get(email) ?? []), error]);
  }
  return records.map((record): DeliveryOutcome => {
    const errors = errorsByEmail.get(record.email);
    if (errors) {
      const message = errors.map(describe).join('; ');
      // A validation error will fail the same way every time: dead-letter it with HubSpot's words.
      if (errors.some((e) => e.category === 'VALIDATION_ERROR')) return { id: record.id, kind: 'dead', error: message };
      return retryOrDie(record, message, ctx);
    }
    if (vids.has(record.email)) return { id: record.id, kind: 'delivered', vid: vids.get(record.email) };
    if (unattributed > 0) return retryOrDie(record, `HubSpot reported ${unattributed} error(s) naming no input`, ctx);
    // Accepted without a result (HubSpot's answer to an input it chose not to store).
    return { id: record.id, kind: 'delivered' };
  });
}
