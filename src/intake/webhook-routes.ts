import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RelayError } from '../errors.js';
import type { Source } from '../sources/types.js';
import { ErrorResponse } from '../ops/schemas.js';
import type { InboxWriter } from './inbox-writer.js';
import type { LoadShedder } from './load-shedding.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    /** The raw body decoded once (UTF-8), for parsing and for storing. */
    rawText?: string;
    /** What became of a webhook (for metrics): accepted, duplicate, ignored, challenge; unset when refused. */
    webhookOutcome?: string;
  }
}

/** Counts every webhook by source, outcome and (when refused) the error code. */
export type WebhookObserver = (source: string, outcome: string, reason: string) => void;

/** One object schema (no anyOf: Fastify serializes it fast) for both a stored webhook and a challenge answer. */
export const WebhookAnswer = Type.Object(
  {
    received: Type.Optional(Type.Literal(true)),
    id: Type.Optional(Type.Integer({ description: 'The stored webhook id' })),
    duplicate: Type.Optional(Type.Boolean({ description: 'True when this delivery was already stored; nothing was stored twice' })),
    ignored: Type.Optional(Type.Boolean({ description: 'True for events the relay does not map (nothing stored)' })),
    plainToken: Type.Optional(Type.String({ description: 'Zoom endpoint.url_validation: the token Zoom sent' })),
    encryptedToken: Type.Optional(Type.String({ description: 'Zoom endpoint.url_validation: hex HMAC-SHA256(secret, plainToken)' })),
  },
  { additionalProperties: true },
);

export interface WebhookRoutesOptions {
  sources: Map<string, Source>;
  inbox: InboxWriter;
  shedder: LoadShedder;
  bodyLimit: number;
  /** True once the server is closing: new webhooks get 503 so the sender retries elsewhere. */
  isClosing: () => boolean;
  observe?: WebhookObserver;
}

/** POST /webhooks/{sourceId}: verify, store durably, then answer. */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, { sources, inbox, shedder, bodyLimit, isClosing, observe }) => {
  if (observe) {
    app.addHook('onResponse', async (request, reply) => {
      const source = (request.params as { sourceId?: string }).sourceId ?? request.routeOptions.url?.split('/')[2] ?? 'unknown';
      const refused = reply.statusCode >= 400;
      observe(source, refused ? 'rejected' : (request.webhookOutcome ?? 'accepted'), refused ? (request.errorCode ?? String(reply.statusCode)) : '');
    });
  }
  // Refused before the body is read: cheap, and nothing is accepted that cannot be stored.
  app.addHook('onRequest', async () => {
    if (isClosing()) throw new RelayError('SHUTTING_DOWN', undefined, { headers: { 'retry-after': '5' } });
    shedder.check();
  });

  // Signatures cover the exact bytes sent, so keep them alongside the parsed body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, raw, done) => {
    const buffer = raw as Buffer;
    request.rawBody = buffer;
    request.rawText = buffer.toString('utf8');
    try {
      done(null, JSON.parse(request.rawText));
    } catch {
      done(new RelayError('BODY_NOT_JSON'), undefined);
    }
  });

  const responses = { 200: WebhookAnswer, '4xx': ErrorResponse, '5xx': ErrorResponse };
  for (const source of sources.values()) {
    app.post(
      `/webhooks/${source.id}`,
      { schema: { summary: `Receive a ${source.type} webhook`, tags: ['webhooks'], body: source.envelopeSchema, response: responses } },
      async (request, reply) => {
        const receivedAt = Date.now();
        const verdict = source.receive({
          rawBody: request.rawBody ?? Buffer.alloc(0),
          body: request.body,
          headers: request.headers,
          query: request.query as Record<string, unknown>,
          receivedAt,
        });
        if (verdict.kind === 'respond') {
          const answer = verdict.body as Record<string, unknown>;
          request.webhookOutcome = answer.ignored ? 'ignored' : 'challenge';
          return reply.code(verdict.statusCode).send(answer);
        }
        const stored = await inbox.accept({
          sourceId: source.id,
          dedupKey: verdict.dedupKey,
          receivedAt,
          body: verdict.storedBody ?? request.rawText ?? '',
          needsDetails: verdict.needsDetails,
        });
        request.webhookOutcome = stored.duplicate ? 'duplicate' : 'accepted';
        return { received: true as const, id: stored.id, duplicate: stored.duplicate };
      },
    );
  }

  app.post(
    '/webhooks/:sourceId',
    { schema: { summary: 'Unknown source', tags: ['webhooks'], params: Type.Object({ sourceId: Type.String() }), response: { 404: ErrorResponse } } },
    async (request) => {
      throw new RelayError('SOURCE_NOT_FOUND', `No source with id "${request.params.sourceId}" is configured`);
    },
  );
};
