// Sends pre-signed webhooks at a steady rate (open loop: the schedule does not wait for
// answers), recording when each one was sent and what it was answered.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/** A small seeded PRNG (mulberry32), so that a run's random arrivals are the same every run. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Send times (ms from the start) for `count` items: evenly spaced, or a Poisson process with the same mean rate. */
function schedule(count, ratePerSecond, poisson) {
  const times = new Float64Array(count);
  const random = seededRandom(20260501);
  let t = 0;
  for (let i = 0; i < count; i++) {
    times[i] = poisson ? t : (i / ratePerSecond) * 1000;
    if (poisson) t += (-Math.log(1 - random()) / ratePerSecond) * 1000;
  }
  return times;
}

/**
 * Sends `items` ({ body, headers }) to `url` + `path` at `ratePerSecond`: item i at
 * start + i / rate, or with `poisson` at exponentially distributed gaps of the same mean
 * (arrivals that do not line up with the relay's batch timer). Resolves with one
 * { sentAt, status, ms } per item (status 0 on a network error).
 */
export async function sendSteady({ url, path = '/webhooks/zoom', items, ratePerSecond, connections = 16, poisson = false }) {
  const at = schedule(items.length, ratePerSecond, poisson);
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const results = new Array(items.length);
  const pending = [];
  const started = performance.now();
  const startedAt = Date.now();
  let next = 0;
  try {
    while (next < items.length) {
      const elapsed = performance.now() - started;
      while (next < items.length && at[next] <= elapsed) {
        const i = next++;
        const item = items[i];
        const sentAt = Date.now();
        const t0 = performance.now();
        pending.push(
          pool
            .request({ method: 'POST', path, headers: item.headers, body: item.body })
            .then(async (response) => {
              await response.body.dump();
              results[i] = { sentAt, status: response.statusCode, ms: performance.now() - t0 };
            })
            .catch(() => {
              results[i] = { sentAt, status: 0, ms: performance.now() - t0 };
            }),
        );
      }
      if (next < items.length) {
        await sleep(Math.max(1, Math.min(10, started + at[next] - performance.now())));
      }
    }
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  const elapsedMs = Date.now() - startedAt;
  return { results, startedAt, elapsedMs, achievedRate: items.length / (elapsedMs / 1000) };
}

export function statusCounts(results) {
  const counts = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** The p-th percentile (0..100) of numbers, nearest-rank. */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const summary = (values) => ({
  p50: percentile(values, 50),
  p90: percentile(values, 90),
  p99: percentile(values, 99),
  max: percentile(values, 100),
  min: percentile(values, 0),
});

/** Waits until `check()` returns a truthy value (polled every `everyMs`), or throws after `timeoutMs`. */
export async function waitUntil(check, { what, timeoutMs, everyMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
