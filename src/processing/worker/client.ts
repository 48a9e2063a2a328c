import { Worker } from 'node:worker_threads';
import type { RelayConfig } from '../../config/schema.js';
import type { Log } from '../../support/log.js';
import type { DeliveryGroup, SharedDeliveryState } from '../../store/ports.js';
import { SHARED_METHODS, sharedCallName, STORE_METHODS, type FromWorker, type RequestThreadStore, type ToWorker } from './protocol.js';

export interface StoreWorkerOptions {
  config: RelayConfig;
  log: Log;
  /** Where the worker's log lines are written (the main logger's destination). */
  logLine: (line: string) => void;
  onRecords: (groups: DeliveryGroup[]) => void;
  /** A stored webhook was parked while processing (counted like a parked arrival). */
  onParked?: (sourceId: string) => void;
  /** The worker stopped without being asked: nothing can be stored any more. */
  onCrash: (error: Error) => void;
}

export interface StoreWorker {
  store: RequestThreadStore;
  startProcessing(): void;
  setMappings(events: RelayConfig['events']): void;
  /** New settings for the same sources (configuration reload): processing reads with them from its next round. */
  setSources(sources: RelayConfig['sources']): void;
  stop(): Promise<void>;
}

/** A small heap, as for the main thread: the worker churns through short-lived rows, and RSS should stay flat. */
const resourceLimits = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 };

/** Built code runs the compiled thread; from TypeScript sources (tests) a tsx-registered bootstrap loads it. */
function newWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./thread.js', import.meta.url), { resourceLimits });
  const thread = new URL('./thread.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(thread)}); })`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

interface WorkerEvents {
  message(message: FromWorker): void;
  error(error: Error): void;
  exit(code: number): void;
}

/** A store worker thread already loading its modules, before anything listens to it. */
export interface SpawnedStoreWorker {
  readonly worker: Worker;
  /** Hands the thread's events to `events`: first those that arrived so far, in order. */
  takeOver(events: WorkerEvents): void;
}

/**
 * Starts the worker thread now and keeps its events until startStoreWorker takes it over and
 * sends the configuration: main.ts calls this first, so the worker thread loads its modules
 * while this one reads the configuration and loads the app.
 */
export function spawnStoreWorker(): SpawnedStoreWorker {
  const worker = newWorker();
  let target: WorkerEvents | undefined;
  const early: Array<(events: WorkerEvents) => void> = [];
  const deliver = (event: (events: WorkerEvents) => void) => (target ? event(target) : early.push(event));
  worker.on('message', (message: FromWorker) => deliver((events) => events.message(message)));
  worker.on('error', (error: Error) => deliver((events) => events.error(error)));
  worker.on('exit', (code: number) => deliver((events) => events.exit(code)));
  return {
    worker,
    takeOver(events) {
      target = events;
      for (const event of early.splice(0)) event(events);
    },
  };
}

/** Starts the store worker (or takes over one already spawned) and resolves once its store is open and migrated. */
export async function startStoreWorker(
  options: StoreWorkerOptions,
  spawned: SpawnedStoreWorker = spawnStoreWorker(),
): Promise<StoreWorker> {
  const { worker } = spawned;
  worker.postMessage({ type: 'init', config: options.config } satisfies ToWorker);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let stopping = false;
  let dead: Error | undefined;
  const send = (message: ToWorker) => worker.postMessage(message);

  const call = (method: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send({ type: 'call', id, method, args });
    });

  const ready = new Promise<boolean>((resolve, reject) => {
    spawned.takeOver({
      message(message) {
        switch (message.type) {
          case 'ready':
            return resolve(message.shared);
          case 'failed':
            return reject(new Error(message.message));
          case 'result':
            pending.get(message.id)?.resolve(message.value);
            pending.delete(message.id);
            return;
          case 'error': {
            const error = Object.assign(new Error(message.message), { code: message.code });
            pending.get(message.id)?.reject(error);
            pending.delete(message.id);
            return;
          }
          case 'records':
            return options.onRecords(message.groups);
          case 'parked':
            return options.onParked?.(message.sourceId);
          case 'log':
            return options.logLine(message.line);
        }
      },
      error: reject,
      exit(code) {
        dead = new Error(`the store worker stopped (exit code ${code})`);
        for (const { reject: rejectCall } of pending.values()) rejectCall(dead);
        pending.clear();
        reject(dead); // no-op once ready
        if (!stopping) options.onCrash(dead);
      },
    });
  });

  const shared = await ready;
  const store = Object.fromEntries(STORE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as RequestThreadStore;
  Object.assign(store, {
    shared: shared
      ? (Object.fromEntries(
          SHARED_METHODS.map((m) => [m, (...args: unknown[]) => call(sharedCallName(m), args)]),
        ) as unknown as SharedDeliveryState)
      : undefined,
  });
  return {
    store,
    startProcessing: () => send({ type: 'start-processing' }),
    setMappings: (events) => send({ type: 'set-mappings', events }),
    setSources: (sources) => send({ type: 'set-sources', sources }),
    async stop() {
      if (dead) return;
      stopping = true;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      send({ type: 'stop' });
      await exited;
    },
  };
}
