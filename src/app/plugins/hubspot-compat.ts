import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { hubspotIntakeRoutes } from '../../hubspot-compat/routes.js';
import { BatchWaiters } from '../../hubspot-compat/waiters.js';

/** HubSpot's attendance endpoints for HubSpot's own SDK (src/hubspot-compat): no routes unless intake.tokens is set. */
const hubspotCompat: FastifyPluginAsync<{ config: RelayConfig }> = async (app, { config }) => {
  const { store, inbox, shedder, pipeline } = app;
  // `Prefer: wait` requests, woken as their batches progress. With PostgreSQL another replica may
  // deliver their records, which no signal here reports: they also re-read once a second.
  const waiters = new BatchWaiters({
    maxWaiters: config.intake.maxWaiters,
    maxPerCaller: config.intake.maxWaitersPerToken,
    fallbackPollMs: config.store.url.startsWith('sqlite:') ? undefined : 1000,
  });
  pipeline.processed.on(() => waiters.processed());
  pipeline.settled.on((ids) => waiters.settled(ids));

  let closing = false;
  await app.register(hubspotIntakeRoutes, {
    tokens: config.intake.tokens,
    inbox,
    store,
    shedder,
    isClosing: () => closing,
    waiters,
    bodyLimit: config.intake.bodyLimitBytes,
  });
  // Waiting requests are answered at once, so closing does not wait out their `Prefer: wait`.
  app.addHook('preClose', async () => {
    closing = true;
    waiters.wakeAll();
  });
};

export const hubspotCompatPlugin = fp(hubspotCompat, { name: 'hubspot-compat', fastify: '5.x', dependencies: ['store', 'ingest'] });
