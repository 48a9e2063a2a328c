import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { DeliveryStatus, SendWindowStatus } from './delivery-status.js';
import type { Maintenance } from '../store/ports.js';

const RECENT_WRITE_FAILURE_MS = 10_000;

export type Phase = 'starting' | 'ready' | 'draining';

export interface HealthOptions {
  phase: () => Phase;
  store: Pick<Maintenance, 'ping'>;
  /** The last webhook commit that failed, if none has succeeded since. */
  writeFailure: () => { at: number; message: string } | undefined;
  /** Set when the store worker died: the process can no longer do its job. */
  storeFailure: () => Error | undefined;
  dispatcher: Pick<DeliveryStatus, 'auth'>;
  limiter: SendWindowStatus;
  /** Zoom sources whose reconciliation lacks a Zoom scope (the words are on /status). */
  zoomScopeProblems?: () => number;
}

/**
 * The open probes' stable codes. Probes answer anyone, so they say what is wrong in these words
 * only; the text behind them (database errors, HubSpot's refusal) is on /status, behind the admin token.
 */
const STORE_CODES = ['ok', 'STORE_UNREACHABLE', 'STORE_WRITES_FAILING'] as const;
const PAUSE_CODES = ['HUBSPOT_UNAUTHORIZED', 'HUBSPOT_FORBIDDEN', 'HUBSPOT_OAUTH_REFRESH_REFUSED', 'HUBSPOT_RATE_LIMITED'] as const;
const STORE_WORKER_STOPPED = 'STORE_WORKER_STOPPED';

export interface Readiness {
  status: 'ready' | 'starting' | 'draining' | 'unavailable';
  store: (typeof STORE_CODES)[number];
  /** What went wrong with the store, for /status. */
  storeDetail?: string;
  pauses: Array<(typeof PAUSE_CODES)[number]>;
  /** Zoom reconciliation refused for a missing scope (docs/zoom-reconciliation.md); the words are on /status. */
  zoomReconciliation?: 'ZOOM_SCOPE_MISSING';
}

/** Whether the relay should get traffic, and why not. */
export async function checkReadiness(options: HealthOptions): Promise<Readiness> {
  let store: Readiness['store'] = 'ok';
  let storeDetail: string | undefined;
  try {
    await options.store.ping();
  } catch (error) {
    store = 'STORE_UNREACHABLE';
    storeDetail = (error as Error).message;
  }
  // A webhook commit that failed lately counts too (a small probe can fit where a batch does not);
  // only lately, so a relay taken out of rotation is not kept out forever by one old failure.
  const failure = options.writeFailure();
  if (store === 'ok' && failure && Date.now() - failure.at < RECENT_WRITE_FAILURE_MS) {
    store = 'STORE_WRITES_FAILING';
    storeDetail = `webhook writes failed at ${new Date(failure.at).toISOString()}: ${failure.message}`;
  }
  const phase = options.phase();
  const auth = options.dispatcher.auth.current;
  const pauses: Readiness['pauses'] = [];
  // OAUTH_REFRESH_REFUSED: the category src/hubspot/oauth-tokens.ts gives a refused refresh (invalid_grant).
  if (auth?.category === 'OAUTH_REFRESH_REFUSED') pauses.push('HUBSPOT_OAUTH_REFRESH_REFUSED');
  else if (auth) pauses.push(auth.status === 401 ? 'HUBSPOT_UNAUTHORIZED' : 'HUBSPOT_FORBIDDEN');
  if (options.limiter.state().pausedUntil) pauses.push('HUBSPOT_RATE_LIMITED');
  const zoomReconciliation = (options.zoomScopeProblems?.() ?? 0) > 0 ? ('ZOOM_SCOPE_MISSING' as const) : undefined;
  return { status: phase !== 'ready' ? phase : store === 'ok' ? 'ready' : 'unavailable', store, storeDetail, pauses, zoomReconciliation };
}

const codes = <T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });

const ReadinessAnswer = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('starting'), Type.Literal('draining'), Type.Literal('unavailable')]),
  checks: Type.Object({ store: codes(STORE_CODES, 'ok, or why the store cannot take webhooks (the detail is on /status)') }),
  delivery: Type.Object({
    paused: Type.Boolean({ description: 'True while HubSpot refuses the token or a 429 pause is running' }),
    pauses: Type.Array(codes(PAUSE_CODES, 'Why delivery is paused (the detail is on /status)')),
  }),
  zoomReconciliation: Type.Optional(
    Type.Literal('ZOOM_SCOPE_MISSING', { description: 'Zoom refuses the reconciliation for a missing scope (the detail is on /status)' }),
  ),
});

const Liveness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
  code: Type.Optional(
    Type.Literal(STORE_WORKER_STOPPED, { description: 'Why the process should be restarted (the detail is on /status)' }),
  ),
});

/** GET /healthz (the process answers) and GET /readyz (it should get traffic): open, so status and codes only. */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, options) => {
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness', tags: ['ops'], response: { 200: Liveness, 503: Liveness } } },
    async (_request, reply) => {
      if (options.storeFailure()) return reply.code(503).send({ status: 'failed' as const, code: STORE_WORKER_STOPPED });
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/readyz',
    { schema: { summary: 'Readiness', tags: ['ops'], response: { 200: ReadinessAnswer, 503: ReadinessAnswer } } },
    async (_request, reply) => {
      const readiness = await checkReadiness(options);
      return reply.code(readiness.status === 'ready' ? 200 : 503).send({
        status: readiness.status,
        checks: { store: readiness.store },
        delivery: { paused: readiness.pauses.length > 0, pauses: readiness.pauses },
        zoomReconciliation: readiness.zoomReconciliation,
      });
    },
  );
};
