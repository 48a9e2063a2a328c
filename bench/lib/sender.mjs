// Sends pre-signed webhooks at a steady rate (open loop: the schedule does not wait for
// answers), recording when each one was sent and what it was answered.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/**
 * Sends `items` ({ body, headers }) to `url` + `path` at `ratePerSecond`, item i at
 * start + i / rate. Resolves with one { sentAt, status, ms } per item (status 0 on a
 * network error).
 */
export async function sendSteady({ url, path = '/webhooks/zoom', items, ratePerSecond, connections = 16 }) {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const results = new Array(items.length);
  const pending = [];
  const started = performance.now();
  const startedAt = Date.now();
  let next = 0;
  try {
    while (next < items.length) {
      const due = Math.min(items.length, Math.floor(((performance.now() - started) / 1000) * ratePerSecond) + 1);
      while (next < due) {
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
        const nextAt = started + (next / ratePerSecond) * 1000;
        await sleep(Math.max(1, Math.min(10, nextAt - performance.now())));
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
