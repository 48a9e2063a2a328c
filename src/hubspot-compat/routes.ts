import { createHash, randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ErrorObject } from 'ajv';
import { Type, type TSchema } from 'typebox';
import { NOT_DOT_SEGMENT, targetKey, type HubspotTarget } from '../domain/event-mappings.js';
import type { AttendanceInput, SubscriberState } from '../domain/facts.js';
import { RelayError } from '../http/errors.js';
import { FLOOD_CODES, RefusalLog } from '../http/refusal-log.js';
import type { WebhookLookup, WebhookStatus } from '../store/ports.js';
import type { InboxWriter } from '../ingest/inbox-writer.js';
import type { LoadShedder } from '../ingest/load-shedding.js';
import { authenticationRefusal, BatchResponse, HubspotError, IntakeError, SubscriberStateParam } from './answer-shapes.js';
import { bearerToken } from '../support/secrets.js';
import { DATE_VERSION_PATTERN, marketingEventsBase } from '../hubspot/api-paths.js';
import { IntakeTokens } from './token-auth.js';
import { batchIdFor, rowIdOf } from './batch-ids.js';
import { MAX_WAIT_SECONDS, preferredWait } from './prefer-wait.js';
import { HUBSPOT_INTAKE_SOURCE_ID, intakeEnvelope } from '../sources/hubspot-compat/index.js';
import { batchInputSchema } from './spec.js';
import { batchAnswer, isIntakeBatch, pendingAnswer } from './batch-status.js';
import { boundedBatchInputSchema, compileIntakeSchema, emailRefusal, pickInput, validationRefusal } from './validation.js';
import type { BatchWaiters } from './waiters.js';

export interface HubspotIntakeOptions {
  /** `intake.tokens`; empty: no route is registered (404 ROUTE_NOT_FOUND). */
  tokens: readonly string[];
  inbox: Pick<InboxWriter, 'accept'>;
  store: WebhookLookup;
  /** Refuses new batches (503 + Retry-After) when the relay is over capacity, as for webhooks. */
  shedder?: Pick<LoadShedder, 'check'>;
  /** True once the server is closing: new requests get 503, waiting ones are answered at once (see BatchWaiters.wakeAll). */
  isClosing: () => boolean;
  /** Where `Prefer: wait` requests are held (capped) and woken. */
  waiters: BatchWaiters;
  /** The largest body of the two POST routes (intake.bodyLimitBytes). */
  bodyLimit: number;
}

interface BatchInput {
  inputs: AttendanceInput[];
}

const TAG = 'hubspot-intake';
const AUTH_NOTE = 'Send `Authorization: Bearer <token>` with one of `intake.tokens` (401 INVALID_AUTHENTICATION otherwise).';

const BatchInputBody = Type.Unsafe<BatchInput>(boundedBatchInputSchema(batchInputSchema));
/** An id that goes into HubSpot's URL path: "." and ".." would be normalised away. */
const PathId = (description: string) => Type.String({ minLength: 1, pattern: NOT_DOT_SEGMENT, description });
const IntakeHeaders = Type.Object({
  prefer: Type.Optional(
    Type.String({
      description: `RFC 7240 \`wait=N\` (seconds, at most ${MAX_WAIT_SECONDS}): answer once every input is delivered or N s have passed; \`Preference-Applied\` says it was honoured`,
    }),
  ),
});
const PostHeaders = Type.Object({
  prefer: IntakeHeaders.properties.prefer,
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'The same key (from the same token, with the same request) answers with the batch stored the first time instead of storing it again',
    }),
  ),
});
const responses = { 200: BatchResponse, '4xx': HubspotError, '5xx': HubspotError };

const POST_DESCRIPTION = `HubSpot's own request schema (BatchInputMarketingEventEmailSubscriber). The inputs are stored durably, then delivered with webhook records (same batching, ordering, rate limit, retries and dead letters). The answer is PENDING with \`links.status\`, or, with \`Prefer: wait=N\`, the delivered result. ${AUTH_NOTE}`;

function categoryFor(status: number): string {
  if (status === 401) return 'INVALID_AUTHENTICATION';
  if (status === 404) return 'OBJECT_NOT_FOUND';
  return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
}

/** Any error of the intake routes as HubSpot's error shape. */
function asIntakeError(error: FastifyError | Error): IntakeError {
  if (error instanceof IntakeError) return error;
  if (error instanceof RelayError) {
    return new IntakeError(error.statusCode, categoryFor(error.statusCode), error.message, {
      subCategory: error.code,
      headers: error.headers,
    });
  }
  const fastify = error as FastifyError;
  if (fastify.validation) return validationRefusal(fastify.validation as ErrorObject[], fastify.validationContext ?? 'body');
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return asIntakeError(new RelayError('BODY_TOO_LARGE'));
  if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return asIntakeError(new RelayError('UNSUPPORTED_MEDIA_TYPE'));
  if (fastify.statusCode !== undefined && fastify.statusCode < 500) {
    const message = `Invalid input JSON: ${fastify.message}`;
    return new IntakeError(400, 'VALIDATION_ERROR', message, { errors: [{ message, in: 'body', code: 'INVALID_JSON' }] });
  }
  return new IntakeError(500, 'INTERNAL_ERROR', 'Something went wrong inside the relay', { subCategory: 'INTERNAL_ERROR' });
}

/**
 * HubSpot-compatible intake: the two "record participants by email" routes of HubSpot's Marketing
 * Events v3 API, so HubSpot's own SDK can point its basePath at the relay; and
 * GET /intake/batches/{id} for the outcome. Every answer and refusal is in HubSpot's shapes.
 */
export const hubspotIntakeRoutes: FastifyPluginAsyncTypebox<HubspotIntakeOptions> = async (app, options) => {
  const tokens = new IntakeTokens(options.tokens);
  if (!tokens.enabled) return;
  const { inbox, store, isClosing, waiters, bodyLimit } = options;
  /** Who sent a request (a digest of the matching token): scopes idempotency keys, owns batches. */
  const callers = new WeakMap<FastifyRequest, string>();
  const callerOf = (request: FastifyRequest) => callers.get(request) ?? '';

  const refusals = new RefusalLog();

  // JSON only: anything else is 415, like HubSpot.
  app.removeContentTypeParser('text/plain');
  // HubSpot's schema exactly as published (no coercion), errors naming the field.
  app.setValidatorCompiler(compileIntakeSchema);
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const refusal = asIntakeError(error);
    const correlationId = randomUUID();
    const fields = refusal.extra.errors?.map((e) => e.in);
    const line = {
      correlationId,
      httpStatus: refusal.statusCode,
      category: refusal.category,
      subCategory: refusal.extra.subCategory,
      fields,
      url: request.routeOptions.url,
    };
    if (refusal.extra.subCategory && FLOOD_CODES.has(refusal.extra.subCategory))
      refusals.note(request.log, refusal.extra.subCategory, refusal.cause);
    else if (refusal.statusCode >= 500) request.log.error({ ...line, err: refusal.cause ?? error }, 'hubspot intake request failed');
    else request.log.info(line, 'hubspot intake request refused');
    return reply
      .code(refusal.statusCode)
      .headers(refusal.extra.headers ?? {})
      .send(refusal.body(correlationId));
  });

  // Before the body is read: refused requests cost nothing.
  app.addHook('onRequest', async (request) => {
    if (isClosing()) {
      throw new IntakeError(503, 'INTERNAL_ERROR', 'The relay is shutting down; retry later', {
        subCategory: 'SHUTTING_DOWN',
        headers: { 'retry-after': '5' },
      });
    }
    const presented = bearerToken(request.headers.authorization);
    const caller = tokens.match(presented);
    if (caller === undefined) throw authenticationRefusal(presented !== undefined);
    callers.set(request, caller);
    if (request.method === 'POST') options.shedder?.check();
  });

  /** One of the caller's batches, by its row id; undefined when there is none (or it is not an intake batch). */
  const read = async (rowId: number): Promise<WebhookStatus | undefined> => {
    let batch;
    try {
      batch = await store.webhookStatus(rowId);
    } catch (error) {
      throw new IntakeError(503, 'INTERNAL_ERROR', 'The relay cannot read the batch right now; retry later', {
        subCategory: 'STORE_UNAVAILABLE',
        headers: { 'retry-after': '5' },
        cause: error,
      });
    }
    return batch && isIntakeBatch(batch) ? batch : undefined;
  };

  /**
   * Honours `Prefer: wait=N`: holds the answer until the batch is COMPLETE, N s pass, the client
   * leaves or the relay closes, re-reading it only when woken (see BatchWaiters). Past the waiters'
   * caps the answer comes at once, without Preference-Applied, as if the preference was not sent.
   */
  const answerWithWait = async (
    request: FastifyRequest,
    reply: FastifyReply,
    rowId: number,
    id: string,
    first: { batch?: WebhookStatus; answer: BatchResponse },
  ) => {
    const wait = preferredWait(request.headers.prefer);
    if (wait === undefined) return first.answer;
    if (first.answer.status === 'COMPLETE') {
      reply.header('preference-applied', `wait=${wait}`);
      return first.answer;
    }
    const waiter = waiters.enter(callerOf(request));
    if (!waiter) return first.answer;
    reply.header('preference-applied', `wait=${wait}`);
    const deadline = Date.now() + wait * 1000;
    let gone = false;
    reply.raw.once('close', () => {
      gone = true;
      waiter.wake();
    });
    waiter.saw(first.batch);
    let answer = first.answer;
    try {
      while (answer.status !== 'COMPLETE' && !gone && !isClosing()) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await waiter.sleep(left);
        const batch = await read(rowId).catch(() => undefined); // the store is away: answer with what is known
        if (!batch) break;
        waiter.saw(batch);
        answer = batchAnswer(batch, id);
      }
    } finally {
      waiter.leave();
    }
    return answer;
  };

  const accept = async (request: FastifyRequest, reply: FastifyReply, target: HubspotTarget, state: SubscriberState, body: BatchInput) => {
    const inputs = body.inputs.map(pickInput);
    const refusal = emailRefusal(inputs);
    if (refusal) throw refusal;
    const text = JSON.stringify(intakeEnvelope(target, state, inputs));
    const receivedAt = Date.now();
    const key = request.headers['idempotency-key'];
    const dedupKey =
      typeof key === 'string' && key !== ''
        ? `key:${createHash('sha256')
            .update(`${callerOf(request)}\n${key}\n${text}`)
            .digest('base64url')}`
        : `request:${randomUUID()}`;
    const stored = await inbox.accept({ sourceId: HUBSPOT_INTAKE_SOURCE_ID, dedupKey, receivedAt, body: text });
    request.log.debug(
      { batchId: stored.id, inputs: inputs.length, event: targetKey(target), state, duplicate: stored.duplicate },
      'hubspot intake batch stored',
    );
    const id = batchIdFor(callerOf(request), stored.id);
    let first: { batch?: WebhookStatus; answer: BatchResponse } = { answer: pendingAnswer(id, receivedAt) };
    if (stored.duplicate) {
      reply.header('idempotent-replayed', 'true');
      const batch = await read(stored.id).catch(() => undefined);
      if (batch) first = { batch, answer: batchAnswer(batch, id) };
    }
    return answerWithWait(request, reply, stored.id, id, first);
  };

  // Both of HubSpot's path styles: v3's, and the date versions' (`/marketing/marketing-events/2026-09/...`),
  // so callers on newer SDKs work unchanged. The version does not change what is stored.
  const pathStyles: Array<{ base: string; style: string; versionParam: Record<string, TSchema> }> = [
    { base: marketingEventsBase('v3'), style: 'v3 path', versionParam: {} },
    {
      base: '/marketing/marketing-events/:apiVersion',
      style: 'date-versioned path',
      versionParam: { apiVersion: Type.String({ pattern: DATE_VERSION_PATTERN, description: "HubSpot's date version, e.g. 2026-09" }) },
    },
  ];
  for (const { base, style, versionParam } of pathStyles) {
    app.post(
      `${base}/:objectId/attendance/:subscriberState/email-create`,
      {
        bodyLimit,
        schema: {
          summary: `Record participants by email, by marketing event object id (HubSpot-compatible, ${style})`,
          description: POST_DESCRIPTION,
          tags: [TAG],
          params: Type.Object({
            ...versionParam,
            objectId: PathId('The internal id of the marketing event in HubSpot'),
            subscriberState: SubscriberStateParam,
          }),
          headers: PostHeaders,
          body: BatchInputBody,
          response: responses,
        },
      },
      async (request, reply) =>
        accept(request, reply, { kind: 'object', objectId: request.params.objectId }, request.params.subscriberState, request.body),
    );

    app.post(
      `${base}/attendance/:externalEventId/:subscriberState/email-create`,
      {
        bodyLimit,
        schema: {
          summary: `Record participants by email, by external event ids (HubSpot-compatible, ${style})`,
          description: `${POST_DESCRIPTION} The relay requires \`externalAccountId\`.`,
          tags: [TAG],
          params: Type.Object({
            ...versionParam,
            externalEventId: PathId('The id of the marketing event in the external event application'),
            subscriberState: SubscriberStateParam,
          }),
          querystring: Type.Object({
            externalAccountId: Type.String({
              minLength: 1,
              description: 'The account id of the marketing event in the external event application',
            }),
          }),
          headers: PostHeaders,
          body: BatchInputBody,
          response: responses,
        },
      },
      async (request, reply) =>
        accept(
          request,
          reply,
          { kind: 'external', externalAccountId: request.query.externalAccountId, externalEventId: request.params.externalEventId },
          request.params.subscriberState,
          request.body,
        ),
    );
  }

  app.get(
    '/intake/batches/:id',
    {
      schema: {
        summary: 'The outcome of a batch stored by the HubSpot-compatible intake',
        description: `PENDING until read, PROCESSING while inputs wait for delivery, COMPLETE with HubSpot's \`results\` (email, vid) and \`errors\` (dead-lettered inputs). Honours \`Prefer: wait=N\`. ${AUTH_NOTE}`,
        tags: [TAG],
        // Any text: an id that is malformed, unknown or another token's is 404 alike.
        params: Type.Object({
          id: Type.String({ description: 'The batch id (from `links.status`); only the token that stored the batch can read it' }),
        }),
        headers: IntakeHeaders,
        response: responses,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // Another token's batch reads exactly like one that does not exist.
      const rowId = rowIdOf(callerOf(request), id);
      const batch = rowId === undefined ? undefined : await read(rowId);
      if (rowId === undefined || !batch) throw new IntakeError(404, 'OBJECT_NOT_FOUND', 'No intake batch with this id');
      return answerWithWait(request, reply, rowId, id, { batch, answer: batchAnswer(batch, id) });
    },
  );
};
