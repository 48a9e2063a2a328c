// 1. Ingest: signed Zoom webhooks at N connections, each durably stored before the 200,
// against a bare Fastify hello-world route in the same run.
import autocannon from 'autocannon';
import { makeTempDir, freePort, removeTempDir, startBare, startRelay, startSimulator, writeRelayConfig, cpuMeter } from '../lib/procs.mjs';
import { STORES } from '../lib/stores.mjs';
import { signedRegistrations } from '../lib/zoom.mjs';

/** One autocannon run (no progress output: the benchmark prints its own table). */
function runAutocannon(options) {
  return new Promise((resolveRun, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolveRun(result)));
  });
}

/** Feeds autocannon distinct pre-signed bodies, one per request, cycling through `items`. */
function cyclingRequests(items, cursor) {
  return [
    {
      method: 'POST',
      path: '/webhooks/zoom',
      setupRequest: (request) => {
        const item = items[cursor.next % items.length];
        cursor.next += 1;
        return { ...request, headers: item.headers, body: item.body };
      },
    },
  ];
}

function summarize(result) {
  return {
    requestsPerSecond: result.requests.average,
    requestsTotal: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    status2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
  };
}

/**
 * Warm-up then measured run against `url`; bodies come from `items` via the shared cursor.
 * `pids` are the processes whose CPU use is reported for the measured run (in cores).
 */
async function load(url, items, cursor, { connections, durationS, warmupS, pids }) {
  const base = { url, connections, pipelining: 1, timeout: 10 };
  const warm = await runAutocannon({ ...base, duration: warmupS, requests: cyclingRequests(items, cursor) });
  const meter = cpuMeter({ ...pids, bench: process.pid });
  const measured = await runAutocannon({ ...base, duration: durationS, requests: cyclingRequests(items, cursor) });
  return { warmup: summarize(warm), measured: summarize(measured), cpuCores: meter() };
}

export async function benchIngest({ mode, log }) {
  const connections = 50;
  const durationS = mode.ingestSeconds;
  const warmupS = mode.ingestWarmupSeconds;
  // Enough distinct bodies that none repeats (a repeat would be a cheap duplicate, not a durable insert).
  const bodies = mode.ingestBodies;
  log(`ingest: signing ${bodies.toLocaleString('en')} distinct Zoom webhooks`);
  const items = signedRegistrations('ingest', bodies);

  const out = { connections, durationS, warmupS, bodies, stores: {} };

  // Baseline: bare Fastify, same bodies, same connections, same duration, measured before
  // and after the relay runs (the baseline is their mean), so drift on a shared machine
  // during the run affects both sides alike.
  const bare = await startBare();
  const runBare = async (when) => {
    log(`ingest: bare Fastify (${when}), ${connections} connections, ${warmupS} s warm-up + ${durationS} s`);
    return load(bare.url, items, { next: 0 }, { connections, durationS, warmupS, pids: { server: bare.pid } });
  };
  const bareRuns = [];
  try {
    bareRuns.push(await runBare('before the relay'));
  } catch (error) {
    await bare.stop();
    throw error;
  }

  for (const store of STORES) {
    const availability = await store.available();
    if (!availability.ok) {
      out.stores[store.name] = { available: false, reason: availability.reason };
      log(`ingest: ${store.name}: ${availability.reason}`);
      continue;
    }
    const dir = makeTempDir();
    const simulator = await startSimulator({ rateMax: 100, rateIntervalMs: 10_000 });
    let relay;
    let loc;
    try {
      loc = await store.location(dir);
      const port = await freePort();
      const configFile = writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url });
      relay = await startRelay({ configFile, port, label: `ingest-${store.name}` });
      log(`ingest: relay (${store.name}), ${connections} connections, ${warmupS} s warm-up + ${durationS} s`);
      const cursor = { next: 0 };
      const result = await load(relay.url, items, cursor, {
        connections,
        durationS,
        warmupS,
        pids: { server: relay.pid, simulator: simulator.pid },
      });
      // How far webhook processing (inbox → records, same thread) lagged behind intake when the load stopped.
      const unprocessedAtEnd = await store.countUnprocessed(loc);
      await relay.stop();
      relay = undefined;
      // Every 200 must be a stored row; requests cut off at the end of a run may be stored without their 200 counted.
      const stored = await store.countInbox(loc);
      const answered200 = result.warmup.status2xx + result.measured.status2xx;
      const built = cursor.next;
      out.stores[store.name] = {
        available: true,
        ...result,
        unprocessedAtEnd,
        verification: {
          answered2xx: answered200,
          storedWebhooks: stored,
          bodiesUsed: built,
          bodiesRepeated: built > items.length,
          // At most one request per connection per run can be in flight when autocannon stops.
          ok: stored >= answered200 && stored - answered200 <= 2 * connections && built <= items.length,
        },
      };
    } finally {
      if (relay) await relay.stop();
      await simulator.stop();
      if (loc) await store.dispose?.(loc);
      removeTempDir(dir);
    }
  }
  try {
    bareRuns.push(await runBare('after the relay'));
  } finally {
    await bare.stop();
  }
  out.bareRuns = bareRuns;
  out.bare = { measured: meanOfRuns(bareRuns.map((r) => r.measured)) };
  return out;
}

/** The mean of several runs' figures (counts summed). */
function meanOfRuns(runs) {
  const mean = (pick) => runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
  const sum = (pick) => runs.reduce((total, r) => total + pick(r), 0);
  return {
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    requestsTotal: sum((r) => r.requestsTotal),
    latencyMs: {
      p50: mean((r) => r.latencyMs.p50),
      p90: mean((r) => r.latencyMs.p90),
      p99: mean((r) => r.latencyMs.p99),
      max: Math.max(...runs.map((r) => r.latencyMs.max)),
      mean: mean((r) => r.latencyMs.mean),
    },
    status2xx: sum((r) => r.status2xx),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    durationS: sum((r) => r.durationS),
    runs: runs.length,
  };
}
