import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import type { Answer } from './handle-attendance.js';
import type { EventCreateInput, SimulatedEvent } from './marketing-events.js';
import * as body from './responses.js';
import { specSchema } from './spec-schema.js';
import type { SimulatorState } from './state.js';
import { WRITE_SCOPE } from './types.js';
import { bearerToken, describeSchemaError, parseJsonBody, type Checked } from './validate.js';

/** One call to an events endpoint, stripped of HTTP details. `action` names the endpoint. */
export interface EventsCall {
  action: 'upsert' | 'complete' | 'cancel' | 'get';
  method: string;
  path: string;
  externalAccountId?: string;
  externalEventId?: string;
  authorization: string | undefined;
  rawBody: string | undefined;
}

// The request schemas of the official spec (spec/hubspot-marketing-events-v3.json, components.schemas).
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
const validateUpsert = ajv.compile<{ inputs: EventCreateInput[] }>(specSchema('BatchInputMarketingEventCreateRequestParams') as object);
const validateComplete = ajv.compile<{ startDateTime: string; endDateTime: string }>(
  specSchema('MarketingEventCompleteRequestParams') as object,
);

function checked<T>(validate: ((value: unknown) => boolean) & { errors?: unknown }, value: unknown): Checked<T> {
  if (validate(value)) return { ok: true, value: value as T };
  const first = (validate.errors as Parameters<typeof describeSchemaError>[0][] | undefined)?.[0];
  return { ok: false, message: first ? describeSchemaError(first) : 'Invalid input JSON' };
}

/** Authentication, scopes, rate limits and injected faults as for attendance, then the endpoint itself. */
export function answerEvents(state: SimulatorState, call: EventsCall): Answer {
  const parsed = call.rawBody === undefined || call.rawBody.trim() === '' ? undefined : parseJsonBody(call.rawBody);
  const eventKey = call.externalEventId === undefined ? 'batch' : `external:${call.externalAccountId ?? ''}:${call.externalEventId}`;
  const token = bearerToken(call.authorization);
  const record = state.recordArrival(
    {
      at: Date.now(),
      method: call.method,
      path: call.path,
      eventKey,
      state: call.action,
      token,
      body: parsed?.ok ? parsed.value : call.rawBody,
      status: 0,
      response: undefined,
      inputs:
        parsed?.ok && Array.isArray((parsed.value as { inputs?: unknown }).inputs) ? (parsed.value as { inputs: [] }).inputs.length : 0,
    },
    [],
  );
  const answer = decide(state, call, token, parsed, eventKey, (fault) => (record.fault = fault));
  if (answer.kind !== 'drop') {
    record.status = answer.status;
    record.response = answer.body;
  }
  return answer;
}

function decide(
  state: SimulatorState,
  call: EventsCall,
  token: string | undefined,
  parsed: Checked<unknown> | undefined,
  eventKey: string,
  noteFault: (kind: string) => void,
): Answer {
  const now = Date.now();
  const grant = token === undefined ? undefined : state.tokens[token];
  if (token === undefined || grant === undefined) return reply(401, body.authenticationError(), state.limiter.headers(undefined, now));
  const headers = state.limiter.headers(token, now);
  if (!grant.scopes.includes(WRITE_SCOPE)) return reply(403, body.missingScopesError(), headers);
  const blocked = state.limiter.blockingPolicy(token, now);
  if (blocked !== undefined) {
    state.countRateLimited();
    return reply(429, body.rateLimitError(blocked), state.limiter.headers(token, now, blocked));
  }
  const { gate } = state.faults.pickGate({ state: call.action, eventKey, emails: new Set() });
  if (gate !== undefined) noteFault(gate.kind);
  if (gate?.kind === 'rate-limit') {
    state.countRateLimited();
    return reply(429, body.rateLimitError(gate.policy), state.limiter.headers(token, now, gate.policy));
  }
  state.limiter.admit(token, now);
  state.countAccepted();
  if (gate?.kind === 'status') return reply(gate.status, gate.body ?? body.statusFaultBody(gate.status), state.limiter.headers(token, now));
  if (gate?.kind === 'drop') return { kind: 'drop', delayMs: 0 };
  if (gate?.kind === 'reject-batch') return reply(400, body.validationError('Invalid input JSON: the batch was rejected'), headers);
  return endpoint(state, call, parsed, headers);
}

function endpoint(state: SimulatorState, call: EventsCall, parsed: Checked<unknown> | undefined, headers: Record<string, string>): Answer {
  const { events } = state;
  const account = call.externalAccountId;
  const eventId = call.externalEventId ?? '';
  if (call.action === 'upsert') {
    if (!parsed) return reply(400, body.validationError('Invalid input JSON: the request body is empty'), headers);
    if (!parsed.ok) return reply(400, body.validationError(parsed.message), headers);
    const batch = checked<{ inputs: EventCreateInput[] }>(validateUpsert, parsed.value);
    if (!batch.ok) return reply(400, body.validationError(batch.message), headers);
    const requestedAt = new Date();
    const results = batch.value.inputs.map((input) => publicResponse(events.upsert(input)));
    const done = new Date().toISOString();
    return reply(200, { status: 'COMPLETE', results, requestedAt: requestedAt.toISOString(), startedAt: done, completedAt: done }, headers);
  }
  if (account === undefined) return reply(400, body.validationError('Invalid input: externalAccountId is required'), headers);
  if (!events.get(account, eventId)) return reply(404, notFound(account, eventId), headers);
  if (call.action === 'get') return reply(200, readResponse(state, events.get(account, eventId) as SimulatedEvent), headers);
  if (call.action === 'cancel') return reply(200, defaultResponse(events.cancel(account, eventId) as SimulatedEvent), headers);
  if (!parsed) return reply(400, body.validationError('Invalid input JSON: the request body is empty'), headers);
  if (!parsed.ok) return reply(400, body.validationError(parsed.message), headers);
  const times = checked<{ startDateTime: string; endDateTime: string }>(validateComplete, parsed.value);
  if (!times.ok) return reply(400, body.validationError(times.message), headers);
  return reply(200, defaultResponse(events.complete(account, eventId, times.value) as SimulatedEvent), headers);
}

/** HubSpot's wording for an unknown event is not published: the category is the standard one for 404. */
export function notFound(account: string, eventId: string): Record<string, unknown> {
  return {
    status: 'error',
    message: `Marketing event with externalEventId ${eventId} and externalAccountId ${account} not found for this app`,
    correlationId: randomUUID(),
    category: 'OBJECT_NOT_FOUND',
  };
}

const FIELDS = ['eventName', 'eventOrganizer', 'eventType', 'eventUrl', 'eventDescription', 'startDateTime', 'endDateTime'] as const;

function fieldsOf(event: SimulatedEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { customProperties: event.customProperties };
  for (const field of FIELDS) if (event[field] !== undefined) out[field] = event[field];
  out.eventCompleted = event.state === 'completed';
  out.eventCancelled = event.state === 'cancelled';
  return out;
}

/** components.schemas.MarketingEventPublicDefaultResponse (an upsert's result). */
function publicResponse(event: SimulatedEvent): Record<string, unknown> {
  return { id: event.objectId, ...fieldsOf(event), createdAt: event.createdAt, updatedAt: event.updatedAt };
}

/** components.schemas.MarketingEventDefaultResponse (complete, cancel). */
function defaultResponse(event: SimulatedEvent): Record<string, unknown> {
  return { objectId: event.objectId, ...fieldsOf(event) };
}

/** components.schemas.MarketingEventPublicReadResponse, with counts from the stored attendance. */
function readResponse(state: SimulatorState, event: SimulatedEvent): Record<string, unknown> {
  const key = `external:${event.externalAccountId}:${event.externalEventId}`;
  const rows = state.attendance().filter((row) => row.eventKey === key);
  const count = (s: string) => new Set(rows.filter((row) => row.state === s).map((row) => row.email)).size;
  return {
    id: event.objectId,
    objectId: event.objectId,
    externalEventId: event.externalEventId,
    ...fieldsOf(event),
    registrants: count('register'),
    attendees: count('attend'),
    cancellations: count('cancel'),
    noShows: 0,
    createdAt: event.createdAt,
    updatedAt: event.updatedAt,
  };
}

function reply(status: number, answerBody: unknown, headers: Record<string, string>): Answer {
  return { kind: 'reply', status, headers, body: answerBody, delayMs: 0 };
}
