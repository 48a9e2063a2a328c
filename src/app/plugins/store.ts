import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { RelayConfig } from '../../config/schema.js';
import { RelayMetrics } from '../../ops/metrics.js';
import { startStoreWorker, type SpawnedStoreWorker, type StoreWorker } from '../../processing/worker/client.js';
import { processedSourceIds } from '../../sources/registry.js';
import { PipelineSignals } from './pipeline-signals.js';

/** The store as the main thread sees it: calls into the store worker thread, timed for /metrics. */
export type RelayStore = StoreWorker['store'];

declare module 'fastify' {
  interface FastifyInstance {
    store: RelayStore;
    metrics: RelayMetrics;
    /** The store worker's processing loop (started by the processing plugin). */
    processingThread: Pick<StoreWorker, 'startProcessing' | 'setMappings' | 'setSources'>;
    /** Set when the store worker died: the process can no longer do its job. */
    storeFailure(): Error | undefined;
    pipeline: PipelineSignals;
  }
}

export interface StorePluginOptions {
  config: RelayConfig;
  /** Writes one log line where the main logger writes (used for the store worker's lines). */
  logLine: (line: string) => void;
  /** A store worker started earlier for this configuration (see spawnStoreWorker); else one is started here. */
  storeWorker?: SpawnedStoreWorker;
}

/**
 * The store and webhook processing run in a worker thread: fsyncs and processing never hold up
 * the thread that answers webhooks. Closed last, once nothing else uses the store.
 */
const store: FastifyPluginAsync<StorePluginOptions> = async (app, { config, logLine, storeWorker }) => {
  const log = app.log;
  const pipeline = new PipelineSignals();
  let failure: Error | undefined;
  const worker = await startStoreWorker(
    {
      config,
      log,
      logLine,
      // Parked while processing (processing starts after `metrics` exists): counted as arrivals parked at once are.
      onParked: (sourceId) => metrics.webhooks.inc({ source: sourceId, outcome: 'parked', reason: '' }),
      onRecords: (groups) => {
        if (groups.length > 0) pipeline.queued.emit(groups);
        pipeline.processed.emit();
      },
      onCrash: (error) => {
        failure = error;
        log.fatal({ err: error }, 'the store worker stopped: nothing more can be stored; /healthz now fails so the process is restarted');
      },
    },
    storeWorker,
  );
  const metrics = new RelayMetrics(worker.store, processedSourceIds(config.sources));
  app.decorate('store', metrics.timed(worker.store));
  app.decorate('metrics', metrics);
  app.decorate('processingThread', {
    startProcessing: worker.startProcessing,
    setMappings: worker.setMappings,
    setSources: worker.setSources,
  });
  app.decorate('storeFailure', () => failure);
  app.decorate('pipeline', pipeline);
  app.addHook('onClose', async () => {
    await worker.stop();
  });
};

export const storePlugin = fp(store, { name: 'store', fastify: '5.x' });
