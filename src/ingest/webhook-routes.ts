import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RelayError } from '../http/errors.js';
import { DEFAULT_WEBHOOK_BODY_LIMIT } from '../sources/common-config.js';
import type { Source } from '../sources/types.js';
import { ErrorResponse } from '../http/error-schema.js';
import type { InboxWriter } from './inbox-writer.js';
import type { LoadShedder } from './load-shedding.js';
import { receiveOrPark } from './receive-webhook.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What became of a webhook (for metrics): accepted, parked, duplicate, ignored, challenge; unset when refused. */
    webhookOutcome?: string;
  }
}

/** Counts every webhook by source (a configured id, else `unknown`), outcome and (when refused) the error code. */
export type WebhookObserver = (source: string, outcome: string, reason: string) => void;

/** One object schema (no anyOf: Fastify serializes it fast) for both a stored webhook and a challenge answer. */
export const WebhookAnswer = Type.Object(
  {
    received: Type.Optional(Type.Literal(true)),
    id: Type.Optional(Type.Integer({ description: 'The stored webhook id' })),
    duplicate: Type.Optional(Type.Boolean({ description: 'True when this delivery was already stored; nothing was stored twice' })),
    ignored: Type.Optional(Type.Boolean({ description: 'True for events the relay does not map (nothing stored)' })),
    parked: Type.Optional(
      Type.Boolean({
        description: 'True when the source cannot read this verified webhook: stored, parked with the reason, read again by a replay',
      }),
    ),
    plainToken: Type.Optional(Type.String({ description: 'Zoom endpoint.url_validation: the token Zoom sent' })),
    encryptedToken: Type.Optional(Type.String({ description: 'Zoom endpoint.url_validation: hex HMAC-SHA256(secret, plainToken)' })),
  },
  { additionalProperties: true },
);

export interface WebhookRoutesOptions {
  /** The sources by id; an entry replaced (configuration reload) is used from the next webhook on. */
  sources: ReadonlyMap<string, Source>;
  inbox: InboxWriter;
  shedder: LoadShedder;
  /** True once the server is closing: new webhooks get 503 so the sender retries elsewhere. */
  isClosing: () => boolean;
  observe?: WebhookObserver;
  /** Told of each verified webhook answered `ignored`, with its event type. */
  ignored?: (source: string, eventType: string) => void;
}

/** POST /webhooks/{sourceId}: verify, store durably, then answer. */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (
  app,
  { sources, inbox, shedder, isClosing, observe, ignored },
) => {
  // Metric label values come from the configuration only: any other id is `unknown`.
  const observed = (source: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = reply.statusCode >= 400;
    observe?.(
      source,
      refused ? 'rejected' : (request.webhookOutcome ?? 'accepted'),
      refused ? (request.errorCode ?? String(reply.statusCode)) : '',
    );
  };
  // Refused before the body is read: cheap, and nothing is accepted that cannot be stored.
  const admit = async () => {
    if (isClosing()) throw new RelayError('SHUTTING_DOWN', undefined, { headers: { 'retry-after': '5' } });
    shedder.check();
  };

  // Bodies stay bytes until verified: signatures cover the exact bytes sent, and nothing an
  // unauthenticated sender wrote is decoded or parsed (see receiveOrPark). The route schemas
  // describe the bodies (OpenAPI); receiveOrPark checks them, after verification.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, raw, done) => done(null, raw));
  app.setValidatorCompiler(() => () => true);

  const responses = { 200: WebhookAnswer, '4xx': ErrorResponse, '5xx': ErrorResponse };
  for (const { id: sourceId, type, envelopeSchema, bodyLimitBytes } of sources.values()) {
    app.post(
      `/webhooks/${sourceId}`,
      {
        bodyLimit: bodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT,
        onRequest: admit,
        onResponse: observed(sourceId),
        schema: { summary: `Receive a ${type} webhook`, tags: ['webhooks'], body: envelopeSchema, response: responses },
      },
      async (request, reply) => {
        const receivedAt = Date.now();
        const verdict = receiveOrPark(sources.get(sourceId) as Source, {
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          headers: request.headers,
          query: request.query as Record<string, unknown>,
          receivedAt,
        });
        if (verdict.kind === 'respond') {
          const answer = verdict.body as Record<string, unknown>;
          request.webhookOutcome = answer.ignored ? 'ignored' : 'challenge';
          if (answer.ignored && verdict.ignoredEventType !== undefined) ignored?.(sourceId, verdict.ignoredEventType);
          return reply.code(verdict.statusCode).send(answer);
        }
        if (verdict.kind === 'park') {
          const stored = await inbox.accept({
            sourceId,
            dedupKey: verdict.dedupKey,
            receivedAt,
            body: verdict.storedBody,
            parkedReason: verdict.reason,
          });
          request.webhookOutcome = stored.duplicate ? 'duplicate' : 'parked';
          if (!stored.duplicate) {
            request.log.warn(
              { sourceId, webhookId: stored.id, reason: verdict.reason },
              'verified webhook its source cannot read: kept and parked (POST /admin/webhooks/replay reads it again)',
            );
          }
          return { received: true as const, id: stored.id, duplicate: stored.duplicate, parked: true };
        }
        const stored = await inbox.accept({
          sourceId,
          dedupKey: verdict.dedupKey,
          receivedAt,
          body: verdict.storedBody ?? '',
          needsDetails: verdict.needsDetails,
        });
        request.webhookOutcome = stored.duplicate ? 'duplicate' : 'accepted';
        return { received: true as const, id: stored.id, duplicate: stored.duplicate };
      },
    );
  }

  // Any other id: refused before its body is read, and the connection closed rather than drained.
  app.post(
    '/webhooks/:sourceId',
    {
      onRequest: async (_request, reply) => {
        reply.header('connection', 'close');
        throw new RelayError('SOURCE_NOT_FOUND');
      },
      onResponse: observed('unknown'),
      schema: {
        summary: 'Unknown source',
        tags: ['webhooks'],
        params: Type.Object({ sourceId: Type.String() }),
        response: { 404: ErrorResponse },
      },
    },
    async () => {
      throw new RelayError('SOURCE_NOT_FOUND'); // never reached: onRequest refuses first
    },
  );
};
