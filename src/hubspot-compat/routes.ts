import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { WebhookLookup } from '../store/ports.js';
import type { InboxWriter } from '../ingest/inbox-writer.js';
import type { LoadShedder } from '../ingest/load-shedding.js';
import { bearerToken } from '../support/secrets.js';
import { authenticationRefusal, IntakeError } from './answer-shapes.js';
import { attendanceRoutes } from './attendance-routes.js';
import { batchReader } from './batch-reader.js';
import { batchStatusRoutes } from './batch-status-routes.js';
import { intakeErrorHandler } from './intake-errors.js';
import { IntakeTokens } from './token-auth.js';
import { compileIntakeSchema } from './validation.js';
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

/** The Fastify instance the intake routes are registered on (TypeBox types their requests). */
export type IntakeApp = Parameters<FastifyPluginAsyncTypebox<HubspotIntakeOptions>>[0];

/**
 * HubSpot-compatible intake: the two "record participants by email" routes of HubSpot's Marketing
 * Events v3 API (attendance-routes.ts), so HubSpot's own SDK can point its basePath at the relay; and
 * GET /intake/batches/{id} for the outcome (batch-status-routes.ts). Every answer and refusal is in
 * HubSpot's shapes (intake-errors.ts). This plugin authenticates every request before its body is read.
 */
export const hubspotIntakeRoutes: FastifyPluginAsyncTypebox<HubspotIntakeOptions> = async (app, options) => {
  const tokens = new IntakeTokens(options.tokens);
  if (!tokens.enabled) return;
  const { inbox, store, isClosing, waiters, bodyLimit } = options;
  /** Who sent a request (a digest of the matching token): scopes idempotency keys, owns batches. */
  const callers = new WeakMap<FastifyRequest, string>();
  const callerOf = (request: FastifyRequest) => callers.get(request) ?? '';

  // JSON only: anything else is 415, like HubSpot.
  app.removeContentTypeParser('text/plain');
  // HubSpot's schema exactly as published (no coercion), errors naming the field.
  app.setValidatorCompiler(compileIntakeSchema);
  app.setErrorHandler(intakeErrorHandler());

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

  const reader = batchReader({ store, waiters, isClosing, callerOf });
  attendanceRoutes(app, { inbox, bodyLimit, callerOf, reader });
  batchStatusRoutes(app, { callerOf, reader });
};
