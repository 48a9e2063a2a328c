import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { spawnStoreWorker, startStoreWorker, type StoreWorker } from '../../src/processing/worker/client.js';
import type { Log } from '../../src/support/log.js';
import { tempDir } from '../support/temp.js';

const quietLog = { info() {}, warn() {}, error() {}, fatal() {}, debug() {}, child: () => quietLog } as unknown as Log;

let temp: ReturnType<typeof tempDir>;
let worker: StoreWorker | undefined;

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  temp?.remove();
});

function configIn(dir: string) {
  return parseConfig({
    store: { url: `sqlite://${dir}/relay.db` },
    hubspot: { accessToken: 'sim-token' },
    logging: { level: 'info' },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: 'a-zoom-secret-for-tests' }],
  });
}

describe('a store worker spawned before the app takes it over', () => {
  it('when the app takes the worker over long after it was spawned, then it opens the store and stores', async () => {
    temp = tempDir();
    const config = configIn(temp.dir);
    const spawned = spawnStoreWorker();
    // The thread loads its modules meanwhile and waits for its configuration.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const lines: string[] = [];
    worker = await startStoreWorker(
      {
        config,
        log: quietLog,
        logLine: (line) => lines.push(line),
        onRecords: () => {},
        onCrash: (error) => lines.push(`crash ${error.message}`),
      },
      spawned,
    );
    const [accepted] = await worker.store.insertWebhooks([{ sourceId: 'zoom', dedupKey: 'k-1', receivedAt: Date.now(), body: '{}' }]);
    expect(accepted).toEqual({ id: 1, duplicate: false });
    expect(lines.filter((l) => l.startsWith('crash'))).toEqual([]);
  });

  it('when the worker cannot open its store, then taking it over fails with the reason instead of hanging', async () => {
    temp = tempDir();
    const config = { ...configIn(temp.dir), store: { ...configIn(temp.dir).store, url: `sqlite://${temp.dir}/a-file/relay.db` } };
    writeFileSync(`${temp.dir}/a-file`, 'not a directory');
    const spawned = spawnStoreWorker();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await expect(
      startStoreWorker({ config, log: quietLog, logLine: () => {}, onRecords: () => {}, onCrash: () => {} }, spawned),
    ).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
