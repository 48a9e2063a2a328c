import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import type { Log } from '../support/log.js';
import type { AttendanceInput, SubscriberState } from '../domain/facts.js';
import { maskEmailsIn } from '../support/mask.js';
import type { HubspotCall, HubspotClient } from '../hubspot/client.js';
import type { SendGate } from './send-gate.js';
import type { HubspotAnswer, RateLimitHeaders } from '../hubspot/types.js';
import { hubspotEventRef, hubspotState } from './to-hubspot.js';

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

class RetryableAnswer extends Error {
  constructor(readonly answer: HubspotAnswer, readonly consumesRetry: boolean) {
    super(answer.kind === 'ok' ? 'ok' : answer.message);
  }
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

/**
 * Sends one batch with retries: network errors, timeouts, 423 and 5xx back off
 * exponentially with full jitter; a 429 pauses every send and does not spend a
 * try. Right before each try, `mayTry` (when given) must say yes, else the batch
 * is withdrawn unsent. Returns HubSpot's final answer; never throws.
 */
export async function sendBatch(
  options: SenderOptions,
  batch: { targetKey: string; state: SubscriberState; inputs: AttendanceInput[] },
  signal?: AbortSignal,
  mayTry?: () => Promise<boolean>,
): Promise<SendOutcome> {
  const event = hubspotEventRef(batch.targetKey);
  const state = hubspotState(batch.state);
  const base = options.baseDelayMs ?? 1000;
  const cap = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  try {
    return await pRetry(
      async (attempt) => {
        const slot = await options.limiter.acquire(signal);
        // Asked after the slot (whose wait can be long): nothing but the call itself comes between.
        const mayGo = mayTry ?? (async () => true);
        const call = await mayGo()
          .then((yes) => {
            if (!yes) throw new Withdrawn();
            return options.client.postAttendance(event, state, batch.inputs, signal);
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
          if (answer.policy === 'DAILY') return answer; // hours away: reschedule rather than hold the batch
          throw new RetryableAnswer(answer, false);
        }
        if (answer.kind === 'transient') throw new RetryableAnswer(answer, true);
        return answer;
      },
      {
        retries: (options.triesPerRound ?? 4) - 1,
        minTimeout: 0,
        maxTimeout: 0,
        maxRetryTime: 5 * 60_000,
        signal,
        shouldConsumeRetry: ({ error }) => !(error instanceof RetryableAnswer) || error.consumesRetry,
        shouldRetry: ({ error }) => error instanceof RetryableAnswer,
        onFailedAttempt: async ({ error, retriesConsumed, retriesLeft }) => {
          // No sleep after the last try: the batch goes back to the store instead.
          if (!(error instanceof RetryableAnswer) || !error.consumesRetry || retriesLeft === 0) return;
          const jitter = random() * Math.min(cap, base * 2 ** retriesConsumed);
          const hinted = error.answer.kind === 'transient' ? (error.answer.retryAfterMs ?? 0) : 0;
          await sleep(Math.max(jitter, hinted), undefined, { signal });
        },
      },
    );
  } catch (error) {
    if (error instanceof Withdrawn) return { kind: 'withdrawn' };
    if (error instanceof RetryableAnswer) return error.answer;
    return { kind: 'transient', message: error instanceof Error ? error.message : String(error) };
  }
}

function logCall(
  options: SenderOptions,
  batch: { targetKey: string; state: SubscriberState; inputs: AttendanceInput[] },
  call: HubspotCall,
  attempt: number,
): void {
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
