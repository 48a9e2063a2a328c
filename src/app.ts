import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { destination as pinoDestination, type Logger } from 'pino';
import type { RelayConfig } from './config/schema.js';
import { installErrorHandler } from './http/error-handler.js';
import { createLogger } from './ops/logger.js';
import { registerOpenapi } from './http/openapi.js';
import { relayPlugin } from './relay-plugin.js';
import type { SpawnedStoreWorker } from './processing/worker/client.js';

export const RELAY_VERSION = '0.1.0';

export interface AppDeps {
  logger?: Logger;
  /** Where `logger` writes; the store worker's log lines are written there too. */
  logDestination?: { write(line: string): unknown };
  /** Reads the configuration file again, for SIGHUP and POST /admin/reload. */
  loadConfig?: () => RelayConfig;
  /** The store worker thread, when started before the app was loaded (main.ts does, to load both at once). */
  storeWorker?: SpawnedStoreWorker;
}

/** Builds the relay as a Fastify instance: ready to `listen`, cleaned up by `close`. */
export async function buildApp(config: RelayConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  const destination = deps.logDestination ?? pinoDestination(1);
  const logger = deps.logger ?? createLogger(config.logging, destination as Parameters<typeof createLogger>[1]);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimitBytes,
    // One log line per webhook would dominate the output; refusals and deliveries are logged instead.
    logController: new LogController({ disableRequestLogging: true }),
    // A client that trickles its request (slowloris) is cut off rather than holding a socket:
    // headers within 10 s, the whole request within 30 s, checked every 2 s (Node's default is 30 s).
    serverFactory: (handler) =>
      createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2000 }, handler),
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // The webhook routes answer 503 SHUTTING_DOWN themselves, in the relay's error shape.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(app);
  await registerOpenapi(app, RELAY_VERSION);
  await app.register(relayPlugin, { config, logLine: (line) => void destination.write(`${line}\n`), loadConfig: deps.loadConfig, storeWorker: deps.storeWorker });
  return app;
}
