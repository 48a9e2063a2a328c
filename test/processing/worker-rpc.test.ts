import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { spawnStoreWorker, type SpawnedStoreWorker } from '../../src/processing/worker/client.js';
import type { FromWorker, ToWorker } from '../../src/processing/worker/protocol.js';
import { tempDir } from '../support/temp.js';

let temp: ReturnType<typeof tempDir> | undefined;
let spawned: SpawnedStoreWorker | undefined;

afterEach(async () => {
  if (spawned) {
    const exited = new Promise((resolve) => spawned!.worker.once('exit', resolve));
    spawned.worker.postMessage({ type: 'stop' } satisfies ToWorker);
    await exited;
  }
  spawned = undefined;
  temp?.remove();
});

/** A worker thread talked to on the wire, as the client does, so any method name can be sent. */
async function rawWorker() {
  temp = tempDir();
  const config = parseConfig({
    store: { url: `sqlite://${temp.dir}/relay.db` },
    hubspot: { accessToken: 'sim-token' },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: 'a-zoom-secret-for-tests' }],
  });
  const worker = spawnStoreWorker();
  spawned = worker;
  const replies = new Map<number, (reply: FromWorker) => void>();
  const ready = new Promise<void>((resolve, reject) =>
    worker.takeOver({
      message(message) {
        if (message.type === 'ready') resolve();
        if (message.type === 'failed') reject(new Error(message.message));
        if (message.type === 'result' || message.type === 'error') replies.get(message.id)?.(message);
      },
      error: reject,
      exit: () => reject(new Error('the worker exited')),
    }),
  );
  worker.worker.postMessage({ type: 'init', config } satisfies ToWorker);
  await ready;
  let nextId = 1;
  return (method: string, args: unknown[] = []) =>
    new Promise<FromWorker>((resolve) => {
      const id = nextId++;
      replies.set(id, resolve);
      worker.worker.postMessage({ type: 'call', id, method, args } satisfies ToWorker);
    });
}

describe('the store worker RPC', () => {
  it('when the request thread calls a method of its ports, then the worker answers with the result', async () => {
    const call = await rawWorker();
    expect(await call('countByStatus')).toMatchObject({ type: 'result', value: { pending: 0, delivered: 0 } });
  });

  it('when a call names a method no request-thread port has, then it fails with an error instead of resolving undefined', async () => {
    const call = await rawWorker();
    expect(await call('dropEverything')).toMatchObject({ type: 'error', message: 'unknown store method "dropEverything"' });
    expect(await call('shared.nope')).toMatchObject({ type: 'error', message: 'unknown store method "shared.nope"' });
    // A method of the whole store that the request thread has no port for is refused too.
    expect(await call('close')).toMatchObject({ type: 'error', message: 'unknown store method "close"' });
    expect(await call('toString')).toMatchObject({ type: 'error', message: 'unknown store method "toString"' });
    // …and the store is still open and answering.
    expect(await call('ping')).toMatchObject({ type: 'result' });
  });
});
