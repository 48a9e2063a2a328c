import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { InboxWriter } from '../../ingest/inbox-writer.js';
import { LoadShedder } from '../../ingest/load-shedding.js';
import { webhookRoutes } from '../../ingest/webhook-routes.js';
import { createSources } from '../../sources/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Stores accepted webhooks in group commits. */
    inbox: InboxWriter;
    /** Refuses new webhooks with 503 while the relay is over capacity. */
    shedder: LoadShedder;
  }
}

/** POST /webhooks/{sourceId}: the group-committing inbox and load shedding, shared with the HubSpot-compatible intake. */
const ingest: FastifyPluginAsync<{ config: RelayConfig }> = async (app, { config }) => {
  const { store, metrics } = app;
  const inbox = new InboxWriter(store);
  const shedder = new LoadShedder({
    maxQueuedWebhooks: config.server.maxQueuedWebhooks,
    maxEventLoopDelayMs: config.server.maxEventLoopDelayMs,
    queueDepth: () => inbox.queueDepth,
  });
  app.decorate('inbox', inbox);
  app.decorate('shedder', shedder);
  // Set by the webhook routes once a webhook is stored or answered (see webhookRoutes).
  app.decorateRequest('webhookOutcome', undefined);

  let closing = false;
  await app.register(webhookRoutes, {
    sources: createSources(config.sources, { internal: false }),
    inbox,
    shedder,
    isClosing: () => closing,
    observe: (source, outcome, reason) => metrics.webhooks.inc({ source, outcome, reason }),
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => {
    shedder.close();
  });
};

export const ingestPlugin = fp(ingest, { name: 'ingest', fastify: '5.x', dependencies: ['store'] });
