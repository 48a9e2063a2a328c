import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from '../support/log.js';
import type { AttendanceInput, SubscriberState } from '../domain/facts.js';
import { maskEmailsIn } from '../support/mask.js';
import type { HubspotCall, HubspotClient } from '../hubspot/client.js';
import type { SendGate } from './send-gate.js';
import type { HubspotAnswer, HubspotAttendanceState, HubspotEventRef, RateLimitHeaders } from '../hubspot/types.js';
import { hubspotEventRef, hubspotState } from './to-hubspot.js';
import { backoffMs, type Backoff } from '../support/backoff.js';

/** Told about every call, for metrics; the sender knows nothing of how they are kept. */
export interface SendObserver {
  call(summary: { httpStatus?: number; batchStatus?: string; outcome: string; inputs: number; attempt: number }): void;
  pause(cause: string): void;
  quota(rateLimit: RateLimitHeaders): void;
}

export interface SenderOptions {
  observer?: SendObserver;
  client: HubspotClient;
  limiter: SendGate;
  log: Log;
  maskEmails: boolean;
  windowMs: number;
  /** Tries of one batch within one delivery round, before its records are rescheduled. */
  triesPerRound?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

const HOUR = 3_600_000;

/** What became of a batch: HubSpot's final answer, or withdrawn by the caller before a try went out. */
export type SendOutcome = HubspotAnswer | { kind: 'withdrawn' };

class Withdrawn extends Error {}

/** When a 429 pause ends: Retry-After when given, else the window, or for the daily limit the next UTC midnight (re-probed hourly). */
export function pauseEnd(answer: Extract<HubspotAnswer, { kind: 'rate-limited' }>, windowMs: number, now: number): number {
  if (answer.retryAfterMs !== undefined) return now + answer.retryAfterMs;
  if (answer.policy !== 'DAILY') return now + windowMs;
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.min(midnight.getTime(), now + HOUR);
}

/** A batch's tries within one round stop after this long, whatever is left of triesPerRound. */
const MAX_ROUND_MS = 5 * 60_000;

type Batch = { targetKey: string; state: SubscriberState; inputs: AttendanceInput[] };

/**
 * Sends one batch with retries: network errors, timeouts, 423 and 5xx back off
 * exponentially with full jitter; a 429 pauses every send and does not spend a
 * try. Right before each try, `mayTry` (when given) must say yes, else the batch
 * is withdrawn unsent. Returns HubSpot's final answer; never throws.
 */
export async function sendBatch(
  options: SenderOptions,
  batch: Batch,
  signal?: AbortSignal,
  mayTry?: () => Promise<boolean>,
): Promise<SendOutcome> {
  const to = { event: hubspotEventRef(batch.targetKey), state: hubspotState(batch.state) };
  const backoff: Backoff = { firstMs: options.baseDelayMs ?? 1000, maxMs: options.maxDelayMs ?? 30_000, jitter: 'full' };
  const tries = options.triesPerRound ?? 4;
  const started = performance.now();
  /** Tries that counted toward `tries` (a 429's does not). */
  let spent = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const answer = await tryOnce(options, batch, to, attempt, signal, mayTry);
      signal?.throwIfAborted();
      const retryable = answer.kind === 'transient' || (answer.kind === 'rate-limited' && answer.policy !== 'DAILY');
      if (!retryable) return answer; // a DAILY 429 is hours away: reschedule rather than hold the batch
      const left = tries - 1 - spent;
      // A 429 waits in the send gate's pause; no sleep after the last try: the batch goes back to the store instead.
      if (answer.kind === 'transient' && left > 0) {
        await sleep(Math.max(backoffMs(backoff, spent, options.random), answer.retryAfterMs ?? 0), undefined, { signal });
      }
      if (left <= 0 || performance.now() - started >= MAX_ROUND_MS) return answer;
      if (answer.kind === 'transient') spent++;
    }
  } catch (error) {
    if (error instanceof Withdrawn) return { kind: 'withdrawn' };
    return { kind: 'transient', message: error instanceof Error ? error.message : String(error) };
  }
}

/** One try: a slot from the send gate, the fence, the call; its answer logged, observed and, for a 429, turned into a pause. */
async function tryOnce(
  options: SenderOptions,
  batch: Batch,
  to: { event: HubspotEventRef; state: HubspotAttendanceState },
  attempt: number,
  signal?: AbortSignal,
  mayTry?: () => Promise<boolean>,
): Promise<HubspotAnswer> {
  const slot = await options.limiter.acquire(signal);
  // Asked after the slot (whose wait can be long): nothing but the call itself comes between.
  const mayGo = mayTry ?? (async () => true);
  const call = await mayGo()
    .then((yes) => {
      if (!yes) throw new Withdrawn();
      return options.client.postAttendance(to.event, to.state, batch.inputs, signal);
    })
    .finally(() => slot.settle());
  // A 429 naming its own Retry-After says exactly when to come back; its Remaining: 0 would say 10 s.
  const retryAfterGiven = call.answer.kind === 'rate-limited' && call.answer.retryAfterMs !== undefined;
  if (!retryAfterGiven) options.limiter.observe(call.rateLimit);
  logCall(options, batch, call, attempt);
  options.observer?.call({
    httpStatus: 'status' in call.answer ? call.answer.status : undefined,
    batchStatus: call.answer.kind === 'ok' ? call.answer.body.status : undefined,
    outcome: call.answer.kind,
    inputs: batch.inputs.length,
    attempt,
  });
  options.observer?.quota(call.rateLimit);
  const { answer } = call;
  if (answer.kind === 'rate-limited') {
    options.limiter.pause(pauseEnd(answer, options.windowMs, Date.now()), `HubSpot 429 ${answer.policy}`);
    options.observer?.pause(answer.policy);
  }
  return answer;
}

function logCall(options: SenderOptions, batch: Batch, call: HubspotCall, attempt: number): void {
  const { answer } = call;
  const mask = (text: string | undefined) => (text && options.maskEmails ? maskEmailsIn(text) : text);
  const body = answer.kind === 'ok' ? answer.body : undefined;
  const errors = (body?.errors ?? []).slice(0, 20).map((e) => ({
    category: e.category,
    subCategory: typeof e.subCategory === 'string' ? e.subCategory : undefined,
    message: mask(e.message),
  }));
  const line = {
    event: batch.targetKey,
    state: batch.state,
    inputs: batch.inputs.length,
    httpStatus: 'status' in answer ? answer.status : undefined,
    batchStatus: body?.status,
    numErrors: body?.numErrors ?? errors.length,
    errors,
    outcome: answer.kind,
    message: answer.kind === 'ok' ? undefined : mask(answer.message),
    correlationId: answer.kind === 'ok' ? body?.correlationId : answer.correlationId,
    attempt,
    durationMs: Math.round(call.durationMs),
  };
  const healthy = answer.kind === 'ok' && line.numErrors === 0;
  options.log[healthy ? 'info' : 'warn'](line, 'hubspot attendance call');
}
