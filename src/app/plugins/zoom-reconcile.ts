import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { reconcileRoutes } from '../../reconcile/admin-route.js';
import { ReconcileRunner } from '../../reconcile/runner.js';
import { jobsForStoredWebhooks } from '../../reconcile/schedule.js';
import { ZoomApiClient } from '../../sources/zoom/api/client.js';
import { RECONCILE_DEFAULTS, type ZoomReconcileConfig } from '../../sources/zoom/api/config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Zoom reconciliation (issue 18); undefined when no Zoom source has an `api`. */
    zoomReconcile: { scopeProblems(): Array<{ source: string; problem: string }> } | undefined;
  }
}

/**
 * Zoom reconciliation: for each Zoom source with an `api`, after a webinar or meeting ends, reads
 * Zoom's participant report and stores what the webhooks missed (src/reconcile). Without any
 * `api`, nothing is started and nothing changes.
 */
const zoomReconcile: FastifyPluginAsync<{ config: RelayConfig }> = async (app, { config }) => {
  const clients = new Map<string, ZoomApiClient>();
  const settings = new Map<string, ZoomReconcileConfig>();
  for (const source of config.sources) {
    if (source.type !== 'zoom' || !source.api) continue;
    clients.set(source.id, new ZoomApiClient(source.api));
    settings.set(source.id, source.reconcile ?? RECONCILE_DEFAULTS);
  }
  if (clients.size === 0) {
    app.decorate('zoomReconcile', undefined);
    return;
  }
  const { store, metrics } = app;
  const log = app.log.child({ component: 'zoom-reconcile' });
  const runner = new ReconcileRunner({
    store,
    clients,
    log,
    observe: (source, outcome, added) => {
      metrics.zoomReconciliations.inc({ source, outcome });
      if (added > 0) metrics.zoomReconcileFacts.inc({ source }, added);
    },
  });
  app.decorate('zoomReconcile', {
    scopeProblems: () => [...runner.scopeProblems].map(([source, problem]) => ({ source, problem })),
  });
  app.pipeline.stored.on((rows) => {
    const jobs = jobsForStoredWebhooks(rows, settings, Date.now());
    if (jobs.length > 0) runner.schedule(jobs).catch((error) => log.warn({ err: error }, 'could not schedule a zoom reconciliation'));
  });
  if (config.admin.token) {
    await app.register(reconcileRoutes, {
      token: config.admin.token,
      sources: [...clients.keys()],
      runNow: (job) => runner.runNow(job),
      store,
      wake: () => runner.wake(),
    });
  }
  app.addHook('onReady', async () => runner.start());
  app.addHook('onClose', async () => runner.stop());
};

export const zoomReconcilePlugin = fp(zoomReconcile, { name: 'zoom-reconcile', fastify: '5.x', dependencies: ['store'] });
