// 4. Latency at low load: webhook sent → the HubSpot simulator received the input, per webhook.
import { freePort, makeTempDir, removeTempDir, startRelay, startSimulator, writeRelayConfig } from '../lib/procs.mjs';
import { sendSteady, statusCounts, summary, waitUntil } from '../lib/sender.mjs';
import { sqliteStore } from '../lib/stores.mjs';
import { benchEmail, signedRegistrations } from '../lib/zoom.mjs';

export async function benchLatency({ mode, log }) {
  const ratePerSecond = mode.latencyRate;
  const count = Math.round(ratePerSecond * mode.latencySeconds);
  // The relay's defaults (batchWaitMs 1000 included): this is the latency an operator gets.
  const hubspot = { batchSize: 100, batchWaitMs: 1000, requestsPerTenSeconds: 100 };
  const store = sqliteStore;
  const tag = 'latency';
  const items = signedRegistrations(tag, count);

  const dir = makeTempDir();
  const simulator = await startSimulator({ rateMax: 100, rateIntervalMs: 10_000 });
  let relay;
  try {
    const loc = store.location(dir);
    const port = await freePort();
    relay = await startRelay({
      configFile: writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url, hubspot }),
      port,
      label: 'latency',
    });
    log(`latency: ${count} webhooks at ${ratePerSecond}/s (Poisson arrivals), batchWaitMs ${hubspot.batchWaitMs}`);
    // Poisson arrivals: evenly spaced ones would line up with the batch timer (5 per 1000 ms) and skew p50.
    const sent = await sendSteady({ url: relay.url, items, ratePerSecond, connections: 4, poisson: true });
    await waitUntil(() => store.countUnprocessed(loc) === 0 && store.countOutstanding(loc) === 0, {
      what: 'every latency record delivered',
      timeoutMs: 60_000,
      everyMs: 50,
    });
    // First successful arrival of each email at the simulator.
    const arrivedAt = new Map();
    for (const request of await simulator.requests()) {
      if (request.status !== 200) continue;
      for (const input of request.body?.inputs ?? []) {
        const email = String(input.email).toLowerCase();
        if (!arrivedAt.has(email)) arrivedAt.set(email, request.at);
      }
    }
    const records = new Map(store.recordTimes(loc).map((r) => [r.email, r]));
    const endToEnd = [];
    const toReceived = [];
    const toProcessed = [];
    const toHubspot = [];
    let missing = 0;
    sent.results.forEach((result, i) => {
      const email = benchEmail(tag, i);
      const at = arrivedAt.get(email);
      if (result.status !== 200 || at === undefined) {
        missing += 1;
        return;
      }
      endToEnd.push(at - result.sentAt);
      const record = records.get(email);
      if (record) {
        toReceived.push(record.receivedAt - result.sentAt);
        toProcessed.push(record.createdAt - record.receivedAt);
        toHubspot.push(at - record.createdAt);
      }
    });
    const stats = await simulator.stats();
    return {
      webhooks: count,
      ratePerSecond,
      arrivals: 'poisson',
      achievedRate: sent.achievedRate,
      seconds: mode.latencySeconds,
      hubspot,
      batchWaitMs: hubspot.batchWaitMs,
      webhookStatuses: statusCounts(sent.results),
      ackMs: summary(sent.results.map((r) => r.ms)),
      endToEndMs: summary(endToEnd),
      breakdownMs: {
        sentToReceived: summary(toReceived),
        receivedToRecordCreated: summary(toProcessed),
        recordCreatedToHubspot: summary(toHubspot),
      },
      measured: endToEnd.length,
      missing,
      hubspotRequests: stats.requests,
      meanInputsPerRequest: stats.requests > 0 ? endToEnd.length / stats.requests : undefined,
    };
  } finally {
    if (relay) await relay.stop();
    await simulator.stop();
    removeTempDir(dir);
  }
}
