import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RelayError } from '../http/errors.js';
import type { DeliveryStatus, SendWindowStatus } from './delivery-status.js';
import { waitingReason } from '../sources/registry.js';
import { adminGuard } from './admin-guard.js';
import type { AdminQueries, AdminRecord, Maintenance, ManagedEventsStore, RecordFilter, RecordStatus } from '../store/ports.js';
import { eventsAdminRoutes, managedEventView } from './events-routes.js';
import type { Phase, Readiness } from './health-routes.js';
import {
  InboxWebhookView,
  RecordsPage,
  RecordsQuery,
  ReloadAnswer,
  ReplayAnswer,
  ReplayBody,
  StatusAnswer,
  WebhookStateQuery,
} from './admin-schemas.js';
import { ErrorResponse } from '../http/error-schema.js';

export interface ReloadResult {
  applied: string[];
  needsRestart: string[];
  mapped: number;
}

export interface AdminOptions {
  token: string;
  store: AdminQueries & Pick<Maintenance, 'countByStatus'> & Pick<ManagedEventsStore, 'listManagedEvents'>;
  dispatcher: DeliveryStatus;
  limiter: SendWindowStatus;
  phase: () => Phase;
  /** The sources this relay processes webhooks of (see processedSourceIds). */
  knownSources: string[];
  /** The readiness check behind /readyz, whose detail only /status shows. */
  readiness: () => Promise<Readiness>;
  /** Why the store worker stopped, if it did. */
  storeFailure: () => Error | undefined;
  /** Maps unmapped records matching the filter with the current mappings. */
  remap: (filter: RecordFilter) => Promise<{ mapped: number; stillUnmapped: number }>;
  reload: () => Promise<ReloadResult>;
  /** Reads parked webhooks again through the sources as they are now. */
  replayParked: (ids: number[] | 'all') => Promise<{ replayed: number; stillParked: number }>;
  /** Zoom reconciliation problems an operator must fix (a missing scope). */
  zoomProblems?: () => Array<{ source: string; problem: string }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function view(record: AdminRecord) {
  return {
    id: record.id,
    source: record.sourceId,
    sourceEventId: record.sourceEventId,
    hubspotEvent: record.targetKey,
    state: record.state,
    email: record.email,
    status: record.status,
    attempts: record.attempts,
    lastError: record.lastError,
    vid: record.vid,
    occurredAt: iso(record.occurredAt),
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
  };
}

/** /status and /admin/*: for operators, behind a bearer token, never cached or framed. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminOptions> = async (app, options) => {
  app.addHook('onRequest', adminGuard(options.token));
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse };
  await app.register(eventsAdminRoutes, { store: options.store });
  const security = [{ adminToken: [] }];

  app.get(
    '/status',
    { schema: { summary: 'What the relay is doing, for people', tags: ['admin'], security, response: { 200: StatusAnswer, ...errors } } },
    async () => {
      const readiness = await options.readiness();
      // Counting needs the store: when it is away, /status still says why.
      const [records, queues, waiting, hubspotEvents] = await Promise.all([
        options.store.countByStatus(),
        options.store.queueStats(),
        options.store.countWaitingWebhooks(options.knownSources),
        options.store.listManagedEvents(100),
      ]).catch(() => [{}, undefined, undefined, []] as const);
      const auth = options.dispatcher.auth.current;
      const limit = options.limiter.state();
      const pauses = [
        ...(auth
          ? [
              {
                cause: 'auth',
                reason: `${auth.status} ${auth.category}: ${auth.message}`,
                until: auth.nextProbeAt,
                missingScopes: auth.scopes,
              },
            ]
          : []),
        ...(limit.pausedUntil ? [{ cause: 'rate-limit', reason: limit.pauseReason ?? '429', until: iso(limit.pausedUntil) }] : []),
      ];
      const lastCall = options.dispatcher.lastSuccessfulCallAt;
      return {
        status: options.phase(),
        checks: { store: readiness.storeDetail ?? readiness.store, storeWorker: options.storeFailure()?.message ?? null },
        records,
        webhooks: queues
          ? {
              unprocessed: queues.unprocessedWebhooks,
              awaitingDetails: queues.webhooksAwaitingDetails,
              dead: queues.deadWebhooks,
              parked: queues.parkedWebhooks,
              waitingForSource: Object.values(waiting ?? {}).reduce((sum, n) => sum + n, 0),
            }
          : null,
        oldestPendingAgeSeconds: queues?.oldestPendingAt === undefined ? null : (Date.now() - queues.oldestPendingAt) / 1000,
        lastSuccessfulHubspotCall: lastCall === undefined ? null : iso(lastCall),
        pauses,
        rateLimit: { limit: limit.limit, inWindow: limit.inWindow },
        inflightBatches: options.dispatcher.inflightBatches,
        zoomReconciliation: options.zoomProblems?.(),
        hubspotEvents: hubspotEvents.map(managedEventView),
      };
    },
  );

  app.get(
    '/admin/records',
    {
      schema: {
        summary: 'Records, newest first, with their last HubSpot error',
        tags: ['admin'],
        security,
        querystring: RecordsQuery,
        response: { 200: RecordsPage, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      const filter: RecordFilter = {
        status: q.state as RecordStatus | undefined,
        sourceId: q.source,
        sourceEventId: q.event,
        email: q.email,
      };
      const records = await options.store.listRecords(filter, limit, q.cursor);
      const last = records.at(-1);
      return { records: records.map(view), nextCursor: records.length === limit && last ? last.id : undefined };
    },
  );

  app.post(
    '/admin/records/replay',
    {
      schema: {
        summary: 'Dead or unmapped records back to pending',
        tags: ['admin'],
        security,
        body: ReplayBody,
        response: { 200: ReplayAnswer, ...errors },
      },
    },
    async (request) => {
      const { ids, filter } = request.body;
      if (!ids && !filter) throw new RelayError('BODY_INVALID', 'Give ids or a filter');
      const where: RecordFilter = { sourceId: filter?.source, sourceEventId: filter?.event, email: filter?.email };
      const now = Date.now();
      let replayed = 0;
      let stillUnmapped = 0;
      if (ids || filter?.state === 'dead') replayed += await options.store.replayDeadRecords(ids ? { ids } : { filter: where }, now);
      if (ids || filter?.state === 'unmapped') {
        const unmapped = ids
          ? (await options.store.listRecords({ status: 'unmapped' }, 10_000)).filter((r) => ids.includes(r.id))
          : undefined;
        for (const scope of unmapped ? unmapped.map((r) => ({ sourceId: r.sourceId, sourceEventId: r.sourceEventId })) : [where]) {
          const result = await options.remap({ ...scope, status: 'unmapped' });
          replayed += result.mapped;
          stillUnmapped += result.stillUnmapped;
        }
      }
      if (replayed > 0) options.dispatcher.wake();
      return { replayed, stillUnmapped };
    },
  );

  app.get(
    '/admin/webhooks',
    {
      schema: {
        summary:
          'Webhooks not processed: dead (details could not be fetched), waiting for their source, or parked (their source could not read them), newest first',
        tags: ['admin'],
        security,
        querystring: Type.Object({
          state: Type.Optional(WebhookStateQuery),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          cursor: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: Type.Object({ webhooks: Type.Array(InboxWebhookView) }), ...errors },
      },
    },
    async (request) => {
      const { state = 'dead', limit = 50, cursor } = request.query;
      if (state === 'waiting') {
        const waiting = await options.store.listWaitingWebhooks(options.knownSources, limit, cursor);
        return {
          webhooks: waiting.map((w) => ({
            id: w.id,
            source: w.sourceId,
            receivedAt: iso(w.receivedAt),
            state,
            reason: waitingReason(w.sourceId),
          })),
        };
      }
      if (state === 'parked') {
        const parked = await options.store.listParkedWebhooks(limit, cursor);
        return {
          webhooks: parked.map((w) => ({ id: w.id, source: w.sourceId, receivedAt: iso(w.receivedAt), state, reason: w.reason })),
        };
      }
      const dead = await options.store.listDeadWebhooks(limit, cursor);
      return {
        webhooks: dead.map((w) => ({
          id: w.id,
          source: w.sourceId,
          receivedAt: iso(w.receivedAt),
          state,
          attempts: w.attempts,
          error: w.error,
        })),
      };
    },
  );

  app.post(
    '/admin/webhooks/replay',
    {
      schema: {
        summary: 'Fetch the details of dead webhooks again, and read parked webhooks again with the current sources',
        tags: ['admin'],
        security,
        body: Type.Object({
          ids: Type.Union([Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1 }), Type.Literal('all')]),
          state: Type.Optional(
            Type.Union([Type.Literal('dead'), Type.Literal('parked')], {
              description: 'Only dead or only parked webhooks (default: both)',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            replayed: Type.Integer({ description: 'Dead webhooks fetched again, and parked ones that now read (processed next)' }),
            stillParked: Type.Integer({ description: 'Parked webhooks that still do not read: parked with the new reason' }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ids, state } = request.body;
      const dead = state === 'parked' ? 0 : await options.store.replayDeadWebhooks(ids, Date.now());
      const parked = state === 'dead' ? { replayed: 0, stillParked: 0 } : await options.replayParked(ids);
      return { replayed: dead + parked.replayed, stillParked: parked.stillParked };
    },
  );

  app.post(
    '/admin/reload',
    {
      schema: {
        summary: 'Re-read the configuration file (event mappings, HubSpot token)',
        tags: ['admin'],
        security,
        response: { 200: ReloadAnswer, ...errors },
      },
    },
    async () => ({ reloaded: true as const, ...(await options.reload()) }),
  );
};
