import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { SendGate } from '../hubspot/send-gate.js';
import type { FrontStore } from '../store/types.js';

const RECENT_WRITE_FAILURE_MS = 10_000;

export type Phase = 'starting' | 'ready' | 'draining';

export interface HealthOptions {
  phase: () => Phase;
  store: Pick<FrontStore, 'ping'>;
  /** The last webhook commit that failed, if none has succeeded since. */
  writeFailure: () => { at: number; message: string } | undefined;
  /** Set when the store worker died: the process can no longer do its job. */
  storeFailure: () => Error | undefined;
  dispatcher: Dispatcher;
  limiter: SendGate;
}

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('starting'), Type.Literal('draining'), Type.Literal('unavailable')]),
  checks: Type.Object({ store: Type.String() }),
  delivery: Type.Object({
    paused: Type.Boolean({ description: 'True while HubSpot refuses the token or a 429 pause is running' }),
    auth: Type.Union([
      Type.Null(),
      Type.Object({
        status: Type.Integer(),
        category: Type.String(),
        message: Type.String(),
        missingScopes: Type.Array(Type.String()),
        since: Type.String(),
        nextProbeAt: Type.String(),
      }),
    ]),
    rateLimit: Type.Object({
      limit: Type.Integer(),
      inWindow: Type.Integer(),
      pausedUntil: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String()),
    }),
    inflightBatches: Type.Integer(),
  }),
});

/** GET /healthz (the process answers) and GET /readyz (it should get traffic). */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, options) => {
  const Liveness = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]), reason: Type.Optional(Type.String()) });
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['ops'], response: { 200: Liveness, 503: Liveness } } }, async (_request, reply) => {
    const failure = options.storeFailure();
    if (failure) return reply.code(503).send({ status: 'failed' as const, reason: failure.message });
    return { status: 'ok' as const };
  });

  app.get('/readyz', { schema: { summary: 'Readiness', tags: ['ops'], response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    let store = 'ok';
    try {
      await options.store.ping();
    } catch (error) {
      store = `unreachable: ${(error as Error).message}`;
    }
    // A webhook commit that failed lately counts too (a small probe can fit where a batch does not);
    // only lately, so a relay taken out of rotation is not kept out forever by one old failure.
    const failure = options.writeFailure();
    if (store === 'ok' && failure && Date.now() - failure.at < RECENT_WRITE_FAILURE_MS) {
      store = `webhook writes failed at ${new Date(failure.at).toISOString()}: ${failure.message}`;
    }
    const phase = options.phase();
    const status = phase !== 'ready' ? phase : store === 'ok' ? 'ready' : 'unavailable';
    const auth = options.dispatcher.auth.current;
    const limit = options.limiter.state();
    return reply.code(status === 'ready' ? 200 : 503).send({
      status,
      checks: { store },
      delivery: {
        paused: Boolean(auth || limit.pausedUntil),
        auth: auth
          ? { status: auth.status, category: auth.category, message: auth.message, missingScopes: auth.scopes, since: auth.since, nextProbeAt: auth.nextProbeAt }
          : null,
        rateLimit: {
          limit: limit.limit,
          inWindow: limit.inWindow,
          pausedUntil: limit.pausedUntil ? new Date(limit.pausedUntil).toISOString() : undefined,
          reason: limit.pauseReason,
        },
        inflightBatches: options.dispatcher.inflightBatches,
      },
    });
  });
};
