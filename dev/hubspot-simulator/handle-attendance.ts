import { processBatch } from './attendance.js';
import { notFound as eventNotFound } from './handle-events.js';
import type { FaultSubject } from './faults.js';
import * as body from './responses.js';
import type { SimulatorState } from './state.js';
import type { SpecVersion } from './spec-schema.js';
import { expiredAuthentication } from './oauth.js';
import { WRITE_SCOPE, type GateFault } from './types.js';
import { bearerToken, isSubscriberState, parseJsonBody, summarizeInputs, validateBatch } from './validate.js';

/** One attendance call, stripped of HTTP framework details. */
export interface AttendanceCall {
  method: string;
  path: string;
  eventKey: string;
  subscriberState: string;
  authorization: string | undefined;
  rawBody: string | undefined;
  /** The API version of the path (`v3`, `2026-09`): the request is validated against that version's spec. */
  apiVersion?: SpecVersion;
  /** An external event this app never created: answered 404, as HubSpot does. */
  unknownEvent?: { accountId: string; externalEventId: string };
}

/** How to answer: normally, by dropping the socket, or by cutting the answer half-way. */
export type Answer =
  | { kind: 'reply'; status: number; headers: Record<string, string>; body: unknown; delayMs: number }
  | { kind: 'reset-mid-response'; status: number; headers: Record<string, string>; body: unknown; delayMs: number }
  | { kind: 'drop'; delayMs: number };

/**
 * The order HubSpot applies its checks in: authentication, scopes, rate limits, then the
 * request itself. Injected faults act where the rate limiter has admitted the request.
 */
export function answerAttendance(state: SimulatorState, call: AttendanceCall): Answer {
  const requestedAt = new Date();
  const parsed = parseJsonBody(call.rawBody);
  const { count, emails } = summarizeInputs(parsed.ok ? parsed.value : undefined);
  const token = bearerToken(call.authorization);
  const record = state.recordArrival(
    {
      at: requestedAt.getTime(),
      method: call.method,
      path: call.path,
      eventKey: call.eventKey,
      state: call.subscriberState,
      token,
      body: parsed.ok ? parsed.value : call.rawBody,
      status: 0,
      response: undefined,
      inputs: count,
    },
    emails,
  );
  const applied: string[] = [];
  const answer = decide(state, call, { token, parsed, emails, requestedAt, applied });
  if (answer.kind !== 'drop') {
    record.status = answer.status;
    record.response = answer.body;
  }
  if (applied.length > 0) record.fault = applied.join('+');
  return answer;
}

interface Context {
  token: string | undefined;
  parsed: ReturnType<typeof parseJsonBody>;
  emails: string[];
  requestedAt: Date;
  /** Fault kinds applied so far, for the recording. */
  applied: string[];
}

function decide(state: SimulatorState, call: AttendanceCall, context: Context): Answer {
  const { token, parsed, applied } = context;
  const now = Date.now();
  const grant = token === undefined ? undefined : state.tokens[token];
  if (token === undefined || grant === undefined) {
    return reply(401, body.authenticationError(), state.limiter.headers(undefined, now));
  }
  if (grant.expiresAt !== undefined && grant.expiresAt <= now) {
    return reply(401, expiredAuthentication(grant.expiresAt, now), state.limiter.headers(undefined, now));
  }
  const headers = (): Record<string, string> => state.limiter.headers(token, now);
  if (!grant.scopes.includes(WRITE_SCOPE)) return reply(403, body.missingScopesError(), headers());

  const blocked = state.limiter.blockingPolicy(token, now);
  if (blocked !== undefined) {
    state.countRateLimited();
    return reply(429, body.rateLimitError(blocked), state.limiter.headers(token, now, blocked));
  }
  const subject: FaultSubject = { state: call.subscriberState, eventKey: call.eventKey, emails: new Set(context.emails) };
  const { latency, gate } = state.faults.pickGate(subject);
  if (latency !== undefined) applied.push(latency.kind);
  if (gate !== undefined) applied.push(gate.kind);
  const delayMs = latency?.ms ?? 0;

  if (gate?.kind === 'rate-limit') {
    // An injected 429 is a rejection like any other: it does not use up the window.
    state.countRateLimited();
    const limited = withRetryAfter(state.limiter.headers(token, now, gate.policy), gate.retryAfterSeconds);
    return reply(429, body.rateLimitError(gate.policy), limited, delayMs);
  }
  state.limiter.admit(token, now);
  state.countAccepted();
  const early = gateAnswer(gate, headers(), delayMs);
  if (early !== undefined) return early;
  if (call.unknownEvent) {
    return reply(404, eventNotFound(call.unknownEvent.accountId, call.unknownEvent.externalEventId), headers(), delayMs);
  }

  if (!isSubscriberState(call.subscriberState)) {
    const message = `Invalid input JSON: subscriberState \`${call.subscriberState}\` must be one of register, attend, cancel`;
    return reply(400, body.validationError(message), headers(), delayMs);
  }
  if (!parsed.ok) return reply(400, body.validationError(parsed.message), headers(), delayMs);
  const batch = validateBatch(parsed.value, call.apiVersion);
  if (!batch.ok) return reply(400, body.validationError(batch.message), headers(), delayMs);

  const inputErrors = state.faults.pickInputErrors(subject);
  if (inputErrors.length > 0) applied.push('input-error');
  const startedAt = new Date();
  const outcome = processBatch({
    inputs: batch.value.inputs,
    eventKey: call.eventKey,
    state: call.subscriberState,
    inputErrors,
    vidFor: (email) => state.vidFor(email),
  });
  state.store(outcome.rows);
  const answerBody = body.batchResponse({ ...outcome, requestedAt: context.requestedAt, startedAt });
  const kind = gate?.kind === 'reset-mid-response' ? 'reset-mid-response' : 'reply';
  return { kind, status: 200, headers: headers(), body: answerBody, delayMs };
}

/** Gate faults that answer before the batch is looked at (reset-mid-response needs it processed). */
function gateAnswer(gate: GateFault | undefined, headers: Record<string, string>, delayMs: number): Answer | undefined {
  switch (gate?.kind) {
    case 'status':
      return reply(gate.status, gate.body ?? body.statusFaultBody(gate.status), withRetryAfter(headers, gate.retryAfterSeconds), delayMs);
    case 'drop':
      return { kind: 'drop', delayMs };
    case 'reject-batch':
      return reply(400, body.validationError('Invalid input JSON: the batch was rejected'), headers, delayMs);
    default:
      return undefined;
  }
}

function reply(status: number, answerBody: unknown, headers: Record<string, string>, delayMs = 0): Answer {
  return { kind: 'reply', status, headers, body: answerBody, delayMs };
}

function withRetryAfter(headers: Record<string, string>, seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? headers : { ...headers, 'Retry-After': String(seconds) };
}
