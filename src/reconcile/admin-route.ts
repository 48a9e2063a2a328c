import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RelayError } from '../http/errors.js';
import { ErrorResponse } from '../http/error-schema.js';
import { ZoomApiError } from '../sources/zoom/api/errors.js';
import { bearerToken, sameSecret } from '../support/secrets.js';
import type { ReconcileJob, ReconcileJobs } from '../store/ports.js';
import type { ReconcileRun } from './run-job.js';

export interface ReconcileRouteOptions {
  token: string;
  /** The Zoom sources with an api, in configuration order (the first is the default). */
  sources: string[];
  runNow(job: Pick<ReconcileJob, 'sourceId' | 'zoomId' | 'uuid' | 'kind'>): Promise<ReconcileRun>;
  store: Pick<ReconcileJobs, 'listReconcileJobs' | 'replayReconcileJob'>;
  wake(): void;
}

const ReconcileBody = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'The Zoom webinar or meeting id' }),
    uuid: Type.Optional(Type.String({ minLength: 1, description: 'One instance (default: the latest)' })),
    kind: Type.Optional(Type.Union([Type.Literal('webinar'), Type.Literal('meeting')], { default: 'webinar' })),
    source: Type.Optional(Type.String({ minLength: 1, description: 'The Zoom source (default: the first with an api)' })),
  },
  { additionalProperties: false },
);

const JobsAnswer = Type.Object({
  jobs: Type.Array(Type.Object({}, { additionalProperties: true, description: 'A job as stored (times in ms since the epoch)' })),
});

/** POST /admin/zoom/reconcile (run one instance now), and the job list with replay of dead jobs. */
export const reconcileRoutes: FastifyPluginAsyncTypebox<ReconcileRouteOptions> = async (app, options) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const given = bearerToken(request.headers.authorization);
    if (!given || !sameSecret(given, options.token)) throw new RelayError('ADMIN_UNAUTHORIZED');
  });
  const security = [{ adminToken: [] }];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 502: ErrorResponse };

  app.post(
    '/admin/zoom/reconcile',
    {
      schema: { summary: "Reconciles one Zoom webinar or meeting from Zoom's report now", tags: ['admin'], security, body: ReconcileBody },
    },
    async (request) => {
      const { id, uuid = '', kind = 'webinar' } = request.body;
      const sourceId = request.body.source ?? options.sources[0];
      if (sourceId === undefined || !options.sources.includes(sourceId)) throw new RelayError('ZOOM_API_NOT_CONFIGURED');
      try {
        return await options.runNow({ sourceId, zoomId: id, uuid, kind });
      } catch (error) {
        if (error instanceof ZoomApiError) throw new RelayError('ZOOM_API_FAILED', error.message);
        throw error;
      }
    },
  );
  app.get(
    '/admin/zoom/reconcile/jobs',
    {
      schema: {
        summary: 'Zoom reconciliation jobs, newest first',
        tags: ['admin'],
        security,
        response: { 200: JobsAnswer, 401: ErrorResponse },
      },
    },
    async () => ({ jobs: await options.store.listReconcileJobs(100) }),
  );
  app.post(
    '/admin/zoom/reconcile/jobs/:id/replay',
    {
      schema: {
        summary: 'Makes a dead reconciliation job due again',
        tags: ['admin'],
        security,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: Type.Object({ replayed: Type.Boolean() }), ...errors },
      },
    },
    async (request) => {
      const replayed = await options.store.replayReconcileJob(request.params.id, Date.now());
      if (replayed) options.wake();
      return { replayed };
    },
  );
};
