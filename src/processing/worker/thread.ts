import { parentPort } from 'node:worker_threads';
import { DetailsFetcher } from '../details-fetcher.js';
import { WebhookProcessor } from '../processor.js';
import { EventMappings } from '../../domain/event-mappings.js';
import { createLogger } from '../../support/logger.js';
import { createSources } from '../../sources/registry.js';
import type { Log } from '../../support/log.js';
import { openStore } from '../../store/open-store.js';
import { resolveCall, type FromWorker, type ToWorker } from './protocol.js';

/**
 * The store worker: owns the store connection and turns stored webhooks into
 * records, so neither SQLite's fsyncs nor processing hold up the thread that
 * answers webhooks. The main thread talks to it through StoreWorkerClient.
 */
if (!parentPort) throw new Error('thread.ts runs as a worker thread');
const port = parentPort;
const post = (message: FromWorker) => port.postMessage(message);

// The modules above load while the main thread reads the configuration, which comes first thing.
const { config } = await new Promise<Extract<ToWorker, { type: 'init' }>>((resolve) => port.once('message', resolve));
// Log lines go to the main thread, which writes them where its own go.
const log = createLogger(config.logging, { write: (line: string) => post({ type: 'log', line: line.trimEnd() }) }) as unknown as Log;

async function start(): Promise<void> {
  const store = openStore(config.store.url, log.child({ component: 'store' }), {
    idleInTransactionTimeoutMs: config.store.idleInTransactionTimeoutMs,
  });
  await store.migrate();
  let mappings = new EventMappings(config.events);
  let lastInsertAt = 0;
  const sources = createSources(config.sources);
  const processor = new WebhookProcessor({
    store,
    sources,
    mappings: () => mappings,
    log: log.child({ component: 'processor' }),
    onRecords: (groups) => post({ type: 'records', groups }),
    // Webhooks stored within the last 20 ms: a burst is on.
    ingestBusy: () => performance.now() - lastInsertAt < 20,
    maxEventTimeAheadMs: config.processing.maxEventTimeAheadMinutes * 60_000,
    onParked: (sourceId) => post({ type: 'parked', sourceId }),
  });
  // Only when a source sends thin notices (Eventbrite): fetch their details in the background.
  const fetcher = [...sources.values()].some((s) => s.fetchDetails)
    ? new DetailsFetcher({
        store,
        sources,
        log: log.child({ component: 'details' }),
        onReady: () => processor.wake(),
        onParked: (sourceId) => post({ type: 'parked', sourceId }),
      })
    : undefined;
  let stopping = false;

  port.on('message', async (message: ToWorker) => {
    switch (message.type) {
      case 'call': {
        try {
          const { scope, method } = resolveCall(message.method);
          const target = (scope === 'shared' ? store.shared : store) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
          const run = target[method];
          if (!run) throw new Error(`the store has no method "${message.method}"`);
          const value = await run.apply(target, message.args);
          post({ type: 'result', id: message.id, value });
          if (method === 'insertWebhooks') {
            lastInsertAt = performance.now();
            processor.wake();
            fetcher?.wake();
          }
        } catch (error) {
          post({
            type: 'error',
            id: message.id,
            message: error instanceof Error ? error.message : String(error),
            code: (error as { code?: string }).code,
          });
        }
        return;
      }
      case 'start-processing':
        fetcher?.start();
        return processor.start();
      case 'set-mappings':
        mappings = new EventMappings(message.events);
        return;
      // The same ids (the request thread checked): replaced in place, so the processor and fetcher read with them.
      case 'set-sources':
        for (const [id, source] of createSources(message.sources)) sources.set(id, source);
        return;
      case 'stop':
        if (stopping) return;
        stopping = true;
        await fetcher?.stop();
        await processor.stop();
        await store.close();
        port.close();
        return;
    }
  });
  post({ type: 'ready', shared: Boolean(store.shared) });
}

start().catch((error) => {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
});
