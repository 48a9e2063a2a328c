import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { IgnoredEvents } from '../../ingest/ignored-events.js';
import { InboxWriter } from '../../ingest/inbox-writer.js';
import { LoadShedder } from '../../ingest/load-shedding.js';
import { replayParkedWebhooks } from '../../ingest/replay-parked.js';
import { webhookRoutes } from '../../ingest/webhook-routes.js';
import { createSources } from '../../sources/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Stores accepted webhooks in group commits. */
    inbox: InboxWriter;
    /** Refuses new webhooks with 503 while the relay is over capacity. */
    shedder: LoadShedder;
    webhookSources: {
      /**
       * New source settings (configuration reload), used from the next webhook on; false (nothing
       * changed) when a source was added or removed, or its type or body limit changed: a restart applies those.
       */
      replace(configs: RelayConfig['sources']): boolean;
      /** Reads parked webhooks again through the sources as they are now. */
      replayParked(ids: number[] | 'all'): Promise<{ replayed: number; stillParked: number }>;
    };
  }
}

/** POST /webhooks/{sourceId}: the group-committing inbox and load shedding, shared with the HubSpot-compatible intake. */
const ingest: FastifyPluginAsync<{ config: RelayConfig }> = async (app, { config }) => {
  const { store, metrics } = app;
  const inbox = new InboxWriter(store, undefined, undefined, (rows) => app.pipeline.stored.emit(rows));
  const shedder = new LoadShedder({
    maxQueuedWebhooks: config.server.maxQueuedWebhooks,
    maxEventLoopDelayMs: config.server.maxEventLoopDelayMs,
    queueDepth: () => inbox.queueDepth,
  });
  app.decorate('inbox', inbox);
  app.decorate('shedder', shedder);
  // Set by the webhook routes once a webhook is stored or answered (see webhookRoutes).
  app.decorateRequest('webhookOutcome', undefined);

  const sources = createSources(config.sources, { internal: false });
  app.decorate('webhookSources', {
    replace(configs: RelayConfig['sources']) {
      const next = createSources(configs, { internal: false });
      const same =
        next.size === sources.size &&
        [...next.values()].every((s) => {
          const now = sources.get(s.id);
          return now !== undefined && now.type === s.type && now.bodyLimitBytes === s.bodyLimitBytes;
        });
      if (same) for (const [id, source] of next) sources.set(id, source);
      return same;
    },
    replayParked: (ids: number[] | 'all') => replayParkedWebhooks(store, sources, ids, Date.now()),
  });

  const ignored = new IgnoredEvents({
    count: (source, eventType) => metrics.webhooksIgnored.inc({ source, event_type: eventType }),
    log: app.log,
  });
  let closing = false;
  await app.register(webhookRoutes, {
    sources,
    inbox,
    shedder,
    isClosing: () => closing,
    observe: (source, outcome, reason) => metrics.webhooks.inc({ source, outcome, reason }),
    ignored: (source, eventType) => ignored.note(source, eventType),
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => {
    shedder.close();
  });
};

export const ingestPlugin = fp(ingest, { name: 'ingest', fastify: '5.x', dependencies: ['store'] });
