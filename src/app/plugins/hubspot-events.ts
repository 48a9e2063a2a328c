import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { EventKeeper } from '../../delivery/event-keeper.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Creates and maintains the HubSpot events of createEvents mappings (docs/hubspot-events.md). */
    eventKeeper: EventKeeper;
  }
}

/** The event keeper, beside the dispatcher: the same HubSpot client, send gate and account pause. */
const hubspotEvents: FastifyPluginAsync<{ config: RelayConfig }> = async (app, { config }) => {
  const { store, delivery, processing, metrics, pipeline } = app;
  const keeper = new EventKeeper({
    store,
    client: delivery.client,
    limiter: delivery.limiter,
    auth: delivery.dispatcher.auth,
    mappings: () => processing.mappings(),
    log: app.log.child({ component: 'hubspot-events' }),
    updateIntervalMs: (config.hubspot.eventUpdateIntervalSeconds ?? 60) * 1000,
    leaseMs: config.hubspot.batchLeaseMs,
    windowMs: 10_000,
    onCreated: () => delivery.dispatcher.wake(),
    onRecordsDead: () => pipeline.queued.emit(undefined),
    onCall: (kind, outcome) => metrics.hubspotEventCalls.inc({ kind, outcome }),
  });
  app.decorate('eventKeeper', keeper);
  app.addHook('onReady', async () => keeper.start());
  app.addHook('onClose', async () => keeper.stop());
};

export const hubspotEventsPlugin = fp(hubspotEvents, {
  name: 'hubspot-events',
  fastify: '5.x',
  dependencies: ['store', 'processing', 'delivery'],
});
