// 5. Memory and start: time from process start to /readyz 200, RSS idle, and RSS while and
// after draining a large backlog (which lives on disk, so RSS should stay flat).
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, makeTempDir, removeTempDir, rssBytes, startRelay, startSimulator, writeRelayConfig } from '../lib/procs.mjs';
import { percentile } from '../lib/sender.mjs';
import { sqliteStore } from '../lib/stores.mjs';

const MB = 1024 * 1024;

export async function benchStartAndIdle({ mode, log }) {
  const store = sqliteStore;
  const simulator = await startSimulator({ rateMax: 100, rateIntervalMs: 10_000 });
  const starts = [];
  const idle = [];
  try {
    for (let i = 0; i < mode.startRepeats; i++) {
      const dir = makeTempDir();
      let relay;
      try {
        const loc = store.location(dir);
        const port = await freePort();
        relay = await startRelay({ configFile: writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url }), port });
        starts.push(relay.startMs);
        // Idle: after start-up allocations have settled, nothing to do.
        await sleep(mode.idleSettleMs);
        const rss = rssBytes(relay.pid);
        if (rss !== undefined) idle.push(rss);
      } finally {
        if (relay) await relay.stop();
        removeTempDir(dir);
      }
    }
  } finally {
    await simulator.stop();
  }
  log(`start: ${starts.map((ms) => Math.round(ms)).join(', ')} ms to /readyz 200 (empty store)`);
  return {
    repeats: mode.startRepeats,
    startMs: { median: percentile(starts, 50), max: percentile(starts, 100), all: starts },
    rssIdleBytes: percentile(idle, 50),
    rssIdleAllBytes: idle,
    idleSettleMs: mode.idleSettleMs,
  };
}

export async function benchBacklogMemory({ mode, log }) {
  const records = mode.memoryRecords;
  // High limits on both sides so the 1M-record backlog drains in minutes, not hours.
  const hubspot = { batchSize: 100, requestsPerTenSeconds: 10_000 };
  const store = sqliteStore;
  const dir = makeTempDir();
  const loc = store.location(dir);
  let simulator;
  let relay;
  try {
    log(`memory: seeding ${records.toLocaleString('en')} pending records`);
    const seedStart = performance.now();
    let lastLogged = 0;
    await store.seedRecords(loc, {
      count: records,
      tag: 'memory',
      onProgress: (done) => {
        if (done - lastLogged >= 250_000) {
          lastLogged = done;
          log(`memory: seeded ${done.toLocaleString('en')}`);
        }
      },
    });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const dbBytes = store.fileBytes(loc);
    simulator = await startSimulator({ rateMax: 100_000, rateIntervalMs: 10_000 });
    const port = await freePort();
    relay = await startRelay({ configFile: writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url, hubspot }), port });
    const rssAtReady = rssBytes(relay.pid);
    log(`memory: relay ready in ${Math.round(relay.startMs)} ms with ${records.toLocaleString('en')} pending (${Math.round(dbBytes / MB)} MB on disk); draining`);

    const samples = [];
    const drainStart = Date.now();
    let lastReset = Date.now();
    let lastProgress = Date.now();
    let outstanding = records;
    const deadline = drainStart + mode.memoryDrainTimeoutMs;
    while (outstanding > 0) {
      await sleep(500);
      const rss = rssBytes(relay.pid);
      if (rss !== undefined) samples.push({ t: Date.now() - drainStart, rss });
      outstanding = store.countOutstanding(loc);
      // The simulator keeps every request in memory; forgetting them keeps it fast (limits stay).
      if (Date.now() - lastReset > 5000) {
        await simulator.reset();
        lastReset = Date.now();
      }
      if (Date.now() - lastProgress > 30_000) {
        lastProgress = Date.now();
        log(`memory: ${outstanding.toLocaleString('en')} left, RSS ${Math.round((rss ?? 0) / MB)} MB`);
      }
      if (Date.now() > deadline) break;
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const rssEnd = rssBytes(relay.pid);
    const counts = store.countByStatus(loc);
    const rssValues = samples.map((s) => s.rss);
    return {
      records,
      hubspot,
      seedSeconds,
      dbBytes,
      startWithBacklogMs: relay.startMs,
      rssAtReadyBytes: rssAtReady,
      rssPeakBytes: rssValues.length > 0 ? Math.max(...rssValues) : undefined,
      rssEndBytes: rssEnd,
      drained: outstanding === 0,
      outstanding,
      drainSeconds,
      recordsPerSecond: (records - outstanding) / drainSeconds,
      recordsByStatus: counts,
      rssSamples: samples.filter((_, i) => i % 4 === 0 || i === samples.length - 1),
    };
  } finally {
    if (relay) await relay.stop();
    if (simulator) await simulator.stop();
    removeTempDir(dir);
  }
}
