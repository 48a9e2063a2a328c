import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { controlRoutes } from './control.js';
import { eventReadRoutes } from './event-read-routes.js';
import { parseFault } from './fault-parse.js';
import { PortalState } from './portal.js';
import { attendanceRoutes } from './routes.js';
import { OAuthApp, oauthRoutes } from './oauth.js';
import { eventsRoutes } from './events-routes.js';
import { SimulatorState } from './state.js';
import { tokenInfoRoutes } from './token-info-routes.js';
import { WRITE_SCOPE, type HubspotSimulator, type HubspotSimulatorOptions, type RateLimit } from './types.js';

export type * from './types.js';
export { SUBSCRIBER_STATES, WRITE_SCOPE } from './types.js';
export { DEFAULT_OAUTH_APP, type OAuthAppOptions, type OAuthControl } from './oauth.js';

export const DEFAULT_TOKEN = 'sim-token';
/** HubSpot's Free/Starter per-app limits. */
export const DEFAULT_RATE_LIMIT: RateLimit = { max: 100, intervalMs: 10_000 };
export const DEFAULT_DAILY_LIMIT = 250_000;

/** Starts a HubSpot Marketing Events attendance API on a real port. */
export async function startHubspotSimulator(options: HubspotSimulatorOptions = {}): Promise<HubspotSimulator> {
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  assertRateLimit(rateLimit);
  const state = new SimulatorState({
    tokens: options.tokens ?? { [DEFAULT_TOKEN]: { scopes: [WRITE_SCOPE] } },
    rateLimit,
    dailyLimit: options.dailyLimit ?? DEFAULT_DAILY_LIMIT,
    random: options.random,
    externalEvents: options.externalEvents,
  });
  // forceCloseConnections: close() must not wait for keep-alive sockets held by the client under test.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  await app.register(attendanceRoutes, { state });
  await app.register(controlRoutes, { state });
  const oauth = new OAuthApp(state, options.oauth);
  await app.register(oauthRoutes, { oauth });
  const portal = new PortalState();
  await app.register(tokenInfoRoutes, { state, portal });
  await app.register(eventReadRoutes, { state, portal });
  await app.register(eventsRoutes, { state });
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });

  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    async close() {
      state.close();
      await app.close();
    },
    requests: () => state.requests(),
    attendance: () => state.attendance(),
    stats: () => state.stats(),
    inject(fault) {
      const parsed = parseFault(fault);
      if ('error' in parsed) throw new TypeError(`invalid fault: ${parsed.error}`);
      state.faults.add(parsed.fault);
    },
    clearFaults: () => state.faults.clear(),
    setTokens(tokens) {
      state.tokens = structuredClone(tokens);
    },
    setRateLimit(limit) {
      assertRateLimit(limit);
      state.limiter.setLimit(limit);
    },
    reset: () => state.reset(),
    oauth,
    portal,
    events: () => state.events.list(),
    preCreateEvent: (externalAccountId, externalEventId) => state.events.preCreate(externalAccountId, externalEventId),
  };
}

function assertRateLimit(limit: RateLimit): void {
  if (!(Number.isInteger(limit.max) && limit.max >= 1 && Number.isInteger(limit.intervalMs) && limit.intervalMs >= 1)) {
    throw new RangeError(`rate limit needs integer max >= 1 and intervalMs >= 1, got ${JSON.stringify(limit)}`);
  }
}
