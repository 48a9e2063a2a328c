// 5. Memory and start: time from process start to /readyz 200, RSS idle, and RSS while and
// after draining a large backlog (which lives on disk, so RSS should stay flat).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cpuMeter,
  freePort,
  healthProber,
  makeTempDir,
  removeTempDir,
  rssBytes,
  startRelay,
  startSimulator,
  writeRelayConfig,
} from '../lib/procs.mjs';
import { percentile, summary } from '../lib/sender.mjs';
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
        relay = await startRelay({
          configFile: writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url }),
          port,
          label: `start${i + 1}`,
        });
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

/**
 * How long the whole backlog would take if the time per batch is proportional to the
 * pending rows (what a claim that reads every pending row costs): the batches so far took
 * `seconds` at a backlog of about n0, so all n0 / batchSize batches take on average half that.
 */
export function projectDrainSeconds(n0, delivered, seconds) {
  if (delivered <= 0) return undefined;
  return (seconds / delivered) * (n0 / 2);
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
    relay = await startRelay({
      configFile: writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url, hubspot }),
      port,
      label: 'memory',
    });
    const rssAtReady = rssBytes(relay.pid);
    log(
      `memory: relay ready in ${Math.round(relay.startMs)} ms with ${records.toLocaleString('en')} pending (${Math.round(dbBytes / MB)} MB on disk); draining`,
    );

    // Drain for at most `memoryDrainCapMs`: RSS is read every 500 ms, the backlog every 500 ms.
    const samples = [];
    const meter = cpuMeter({ relay: relay.pid, simulator: simulator.pid, bench: process.pid });
    const stopProbing = healthProber(relay.url);
    const drainStart = Date.now();
    let lastReset = Date.now();
    let lastProgress = Date.now();
    let outstanding = records;
    const deadline = drainStart + mode.memoryDrainCapMs;
    while (outstanding > 0 && Date.now() < deadline) {
      await sleep(500);
      const rss = rssBytes(relay.pid);
      outstanding = store.countOutstanding(loc);
      samples.push({ t: (Date.now() - drainStart) / 1000, rss, outstanding });
      // The simulator keeps every request in memory; forgetting them keeps it fast (limits stay).
      if (Date.now() - lastReset > 5000) {
        await simulator.reset();
        lastReset = Date.now();
      }
      if (Date.now() - lastProgress > 20_000) {
        lastProgress = Date.now();
        log(`memory: ${outstanding.toLocaleString('en')} left, RSS ${Math.round((rss ?? 0) / MB)} MB`);
      }
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const cpuCores = meter();
    const health = await stopProbing();
    const rssEnd = rssBytes(relay.pid);
    const counts = store.countByStatus(loc);
    const rssValues = samples.map((s) => s.rss).filter((v) => v !== undefined);
    const drained = outstanding === 0;
    if (!drained)
      log(
        `memory: stopped after ${Math.round(drainSeconds)} s with ${outstanding.toLocaleString('en')} of ${records.toLocaleString('en')} still pending`,
      );
    return {
      records,
      hubspot,
      simulatorRateLimit: { max: 100_000, intervalMs: 10_000 },
      seedSeconds,
      dbBytes,
      startWithBacklogMs: relay.startMs,
      rssAtReadyBytes: rssAtReady,
      rssPeakBytes: rssValues.length > 0 ? Math.max(...rssValues) : undefined,
      rssEndBytes: rssEnd,
      drained,
      drainCapSeconds: mode.memoryDrainCapMs / 1000,
      outstanding,
      delivered: records - outstanding,
      drainSeconds,
      recordsPerSecond: (records - outstanding) / drainSeconds,
      projectedDrainSeconds: drained ? drainSeconds : projectDrainSeconds(records, records - outstanding, drainSeconds),
      cpuCores,
      healthzMs: { ...summary(health.times), probes: health.times.length, failures: health.failures },
      recordsByStatus: counts,
      samples: samples.filter((_, i) => i % 4 === 0 || i === samples.length - 1),
    };
  } finally {
    if (relay) await relay.stop();
    if (simulator) await simulator.stop();
    removeTempDir(dir);
  }
}
