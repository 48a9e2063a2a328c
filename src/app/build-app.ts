import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { destination as pinoDestination, type Logger } from 'pino';
import type { RelayConfig } from '../config/schema.js';
import { installErrorHandler } from '../http/error-handler.js';
import { registerOpenapi } from '../http/openapi.js';
import { createLogger } from '../support/logger.js';
import type { SpawnedStoreWorker } from '../processing/worker/client.js';
import { consolePlugin } from '../console/console-plugin.js';
import { deliveryPlugin } from './plugins/delivery.js';
import { hubspotEventsPlugin } from './plugins/hubspot-events.js';
import { hubspotCompatPlugin } from './plugins/hubspot-compat.js';
import { ingestPlugin } from './plugins/ingest.js';
import { opsPlugin } from './plugins/ops.js';
import { processingPlugin } from './plugins/processing.js';
import { retentionPlugin } from './plugins/retention.js';
import { storePlugin } from './plugins/store.js';
import { zoomReconcilePlugin } from './plugins/zoom-reconcile.js';

export interface AppDeps {
  logger?: Logger;
  /** Where `logger` writes; the store worker's log lines are written there too. */
  logDestination?: { write(line: string): unknown };
  /** Reads the configuration file again, for SIGHUP and POST /admin/reload. */
  loadConfig?: () => RelayConfig;
  /** The store worker thread, when started before the app was loaded (main.ts does, to load both at once). */
  storeWorker?: SpawnedStoreWorker;
}

/**
 * Builds the relay as a Fastify instance: ready to `listen`, cleaned up by `close`. The plugins
 * follow a webhook's path; each starts on ready and stops on close, in reverse order, so that
 * closing stops taking webhooks, drains, stops delivery, then stops the store worker.
 */
export async function buildApp(config: RelayConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  const destination = deps.logDestination ?? pinoDestination(1);
  const logger = deps.logger ?? createLogger(config.logging, destination as Parameters<typeof createLogger>[1]);
  const { headersTimeoutMs, requestTimeoutMs, connectionsCheckingIntervalMs, connectionTimeoutMs } = config.server;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimitBytes,
    // One log line per webhook would dominate the output; refusals and deliveries are logged instead.
    logController: new LogController({ disableRequestLogging: true }),
    // A client that trickles its request (slowloris) is cut off rather than holding a socket.
    serverFactory: (handler) =>
      createServer(
        { headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: connectionsCheckingIntervalMs },
        handler,
      ),
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    // The webhook routes answer 503 SHUTTING_DOWN themselves, in the relay's error shape.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Opening the store (a worker thread, migrations, PostgreSQL's connect timeout) can take longer than
    // Fastify's 10 s default on a loaded machine; the store's own timeouts bound it, and /readyz tells.
    pluginTimeout: 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(app);
  await registerOpenapi(app);

  await app.register(storePlugin, { config, logLine: (line) => void destination.write(`${line}\n`), storeWorker: deps.storeWorker });
  await app.register(processingPlugin, { config });
  await app.register(deliveryPlugin, { config });
  await app.register(hubspotEventsPlugin, { config });
  await app.register(retentionPlugin, { retentionDays: config.store.retentionDays });
  await app.register(ingestPlugin, { config });
  await app.register(hubspotCompatPlugin, { config });
  await app.register(zoomReconcilePlugin, { config });
  await app.register(opsPlugin, { config, loadConfig: deps.loadConfig });
  await app.register(consolePlugin, { enabled: Boolean(config.admin.token) });
  return app;
}
