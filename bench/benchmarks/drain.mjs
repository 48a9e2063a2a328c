// 3. Drain at the limit: a backlog of pending records on disk, the HubSpot simulator limited
// to 100 requests per 10 s, batchSize 100: records/s achieved ÷ the quota's ceiling (1,000/s).
import {
  cpuMeter,
  freePort,
  healthProber,
  makeTempDir,
  removeTempDir,
  startRelay,
  startSimulator,
  writeRelayConfig,
} from '../lib/procs.mjs';
import { summary, waitUntil } from '../lib/sender.mjs';
import { sqliteStore } from '../lib/stores.mjs';

const WINDOW_MS = 10_000;

/**
 * The sustained rate from delivery times, over whole rolling windows: the records delivered
 * in the first k windows after the first delivery, ÷ k × 10 s (k = the whole windows the
 * drain spans). A rolling window lets a full window's quota go out at once at the start,
 * so "records ÷ total time" would overstate the rate by one window; whole windows do not.
 */
export function windowedRate(times, windowMs = WINDOW_MS) {
  if (times.length === 0) return { windows: 0 };
  const first = times[0];
  const last = times[times.length - 1];
  const windows = Math.floor((last - first) / windowMs);
  if (windows === 0) return { windows, first, last };
  const end = first + windows * windowMs;
  let counted = 0;
  while (counted < times.length && times[counted] < end) counted++;
  return { windows, first, last, counted, recordsPerSecond: counted / ((windows * windowMs) / 1000) };
}

/** Records delivered in each successive window after the first delivery. */
export function perWindow(times, windowMs = WINDOW_MS) {
  const counts = [];
  if (times.length === 0) return counts;
  for (const t of times) {
    const w = Math.floor((t - times[0]) / windowMs);
    counts[w] = (counts[w] ?? 0) + 1;
  }
  return Array.from(counts, (n) => n ?? 0);
}

export async function benchDrain({ mode, log }) {
  const records = mode.drainRecords;
  const hubspot = { batchSize: 100, requestsPerTenSeconds: 100 };
  const ceiling = (hubspot.requestsPerTenSeconds * hubspot.batchSize) / (WINDOW_MS / 1000);
  const store = sqliteStore;
  const dir = makeTempDir();
  const loc = store.location(dir);
  let simulator;
  let relay;
  try {
    log(`drain: seeding ${records.toLocaleString('en')} pending records`);
    const seedStart = performance.now();
    await store.seedRecords(loc, { count: records, tag: 'drain' });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    simulator = await startSimulator({ rateMax: hubspot.requestsPerTenSeconds, rateIntervalMs: WINDOW_MS });
    const port = await freePort();
    relay = await startRelay({
      configFile: writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url, hubspot }),
      port,
      label: 'drain',
    });
    log(
      `drain: relay ready in ${Math.round(relay.startMs)} ms with the backlog; draining at ≤ ${ceiling}/s (≈ ${Math.ceil(records / ceiling)} s)`,
    );
    const meter = cpuMeter({ relay: relay.pid, simulator: simulator.pid });
    const stopProbing = healthProber(relay.url);
    await waitUntil(() => store.countOutstanding(loc) === 0, {
      what: 'the backlog to drain',
      timeoutMs: (records / ceiling) * 1000 * 1.5 + 60_000,
      everyMs: 250,
    });
    const cpuCores = meter();
    const health = await stopProbing();
    const stats = await simulator.stats();
    const counts = store.countByStatus(loc);
    const times = store.deliveredTimes(loc);
    const windowed = windowedRate(times);
    const spanSeconds = times.length > 0 ? (times[times.length - 1] - relay.readyAt) / 1000 : undefined;
    const overall = spanSeconds ? times.length / spanSeconds : undefined;
    const measured = windowed.recordsPerSecond ?? overall;
    return {
      records,
      hubspot,
      simulatorWindow: { max: hubspot.requestsPerTenSeconds, intervalMs: WINDOW_MS },
      ceilingRecordsPerSecond: ceiling,
      seedSeconds,
      startWithBacklogMs: relay.startMs,
      recordsByStatus: counts,
      recordsPerSecond: measured,
      method:
        windowed.recordsPerSecond !== undefined
          ? `whole ${WINDOW_MS / 1000} s windows (${windowed.windows})`
          : 'records ÷ time (drain shorter than one window)',
      windowsMeasured: windowed.windows,
      recordsInWindows: windowed.counted,
      recordsPerWindow: perWindow(times),
      overallRecordsPerSecond: overall,
      drainSeconds: spanSeconds,
      ratio: measured !== undefined ? measured / ceiling : undefined,
      cpuCores,
      healthzMs: { ...summary(health.times), probes: health.times.length, failures: health.failures },
      requests: stats.requests,
      rateLimited429: stats.rateLimited,
      peakInWindow: stats.peakInWindow,
    };
  } finally {
    if (relay) await relay.stop();
    if (simulator) await simulator.stop();
    removeTempDir(dir);
  }
}
