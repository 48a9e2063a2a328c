import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { createDelivery } from '../../delivery/create-delivery.js';
import { tokenSourceFor } from '../../delivery/hubspot-tokens.js';
import type { Dispatcher } from '../../delivery/dispatcher.js';
import type { SendGate } from '../../delivery/send-gate.js';
import type { HubspotClient } from '../../hubspot/client.js';

declare module 'fastify' {
  interface FastifyInstance {
    delivery: {
      dispatcher: Dispatcher;
      limiter: SendGate;
      client: HubspotClient;
      /** A new HubSpot token (configuration reload): used from the next call, and probed at once. */
      setAccessToken(token: string): void;
      /** New OAuth credentials (configuration reload): a fresh access token for the next call, probed at once. */
      setOAuth(oauth: NonNullable<RelayConfig['hubspot']['oauth']>): void;
    };
  }
}

/** Records into HubSpot: the send gate, the HubSpot client and the dispatcher, woken as records are queued. */
const delivery: FastifyPluginAsync<{ config: RelayConfig }> = async (app, { config }) => {
  const { store, metrics, pipeline } = app;
  const { limiter, client, dispatcher } = createDelivery({
    config,
    store,
    metrics,
    log: app.log,
    onSettled: (ids) => pipeline.settled.emit(ids),
  });
  pipeline.queued.on((groups) => dispatcher.wake(groups));
  app.decorate('delivery', {
    dispatcher,
    limiter,
    client,
    setAccessToken(token: string) {
      client.setAccessToken(token);
      // Probe with the new token now rather than at the next scheduled probe.
      dispatcher.auth.clear();
      dispatcher.wake();
    },
    setOAuth(oauth) {
      client.setTokens(tokenSourceFor({ ...config.hubspot, accessToken: undefined, oauth }));
      dispatcher.auth.clear();
      dispatcher.wake();
    },
  });

  app.addHook('onReady', async () => {
    dispatcher.start();
  });
  // Closed after the server stopped taking webhooks, before the store: the HubSpot call in flight
  // gets server.shutdownGraceMs to finish.
  app.addHook('onClose', async () => {
    limiter.close();
    await dispatcher.stop(config.server.shutdownGraceMs);
    await client.close();
  });
};

export const deliveryPlugin = fp(delivery, { name: 'delivery', fastify: '5.x', dependencies: ['store'] });
