// 2. Quota efficiency: N attendance records for one event and state, arriving as signed
// webhooks at a steady rate, delivered to the HubSpot simulator whose rolling window is
// the relay's requestsPerTenSeconds. Requests used ÷ the minimum (records ÷ batchSize).
import { freePort, makeTempDir, removeTempDir, startRelay, startSimulator, writeRelayConfig } from '../lib/procs.mjs';
import { sendSteady, statusCounts, waitUntil } from '../lib/sender.mjs';
import { sqliteStore } from '../lib/stores.mjs';
import { signedRegistrations } from '../lib/zoom.mjs';

export async function benchQuota({ mode, log }) {
  const records = mode.quotaRecords;
  const ratePerSecond = mode.quotaRate;
  const hubspot = { batchSize: 100, requestsPerTenSeconds: 100, batchWaitMs: 1000 };
  const store = sqliteStore;
  const items = signedRegistrations('quota', records);

  const dir = makeTempDir();
  const simulator = await startSimulator({ rateMax: hubspot.requestsPerTenSeconds, rateIntervalMs: 10_000 });
  let relay;
  try {
    const loc = store.location(dir);
    const port = await freePort();
    relay = await startRelay({
      configFile: writeRelayConfig(dir, { port, storeUrl: loc.url, hubspotUrl: simulator.url, hubspot }),
      port,
      label: 'quota',
    });
    log(`quota: ${records.toLocaleString('en')} webhooks at ${ratePerSecond}/s (one event, state register)`);
    const sent = await sendSteady({ url: relay.url, items, ratePerSecond });
    const statuses = statusCounts(sent.results);
    const accepted = statuses[200] ?? 0;
    log(`quota: sent in ${(sent.elapsedMs / 1000).toFixed(1)} s (${statuses[200] ?? 0} × 200); waiting for delivery`);
    const sentDoneAt = Date.now();
    const counts = await waitUntil(
      () => {
        const byStatus = store.countByStatus(loc);
        const settled = (byStatus.delivered ?? 0) + (byStatus.dead ?? 0);
        return store.countUnprocessed(loc) === 0 && settled >= accepted && (byStatus.pending ?? 0) + (byStatus.inflight ?? 0) === 0
          ? byStatus
          : undefined;
      },
      { what: 'every quota record delivered', timeoutMs: (records / 900) * 1000 + 60_000, everyMs: 100 },
    );
    const drainedAt = Date.now();
    const stats = await simulator.stats();
    const delivered = counts.delivered ?? 0;
    const minimum = Math.ceil(delivered / hubspot.batchSize);
    return {
      records,
      ratePerSecond,
      achievedSendRate: sent.achievedRate,
      webhookStatuses: statuses,
      hubspot,
      simulatorWindow: { max: hubspot.requestsPerTenSeconds, intervalMs: 10_000 },
      recordsByStatus: counts,
      delivered,
      requestsUsed: stats.requests,
      requestsAccepted: stats.accepted,
      minimumRequests: minimum,
      ratio: minimum > 0 ? stats.requests / minimum : undefined,
      rateLimited429: stats.rateLimited,
      peakInWindow: stats.peakInWindow,
      duplicateEmailRequests: stats.duplicateEmailRequests,
      sendSeconds: sent.elapsedMs / 1000,
      tailSeconds: (drainedAt - sentDoneAt) / 1000,
    };
  } finally {
    if (relay) await relay.stop();
    await simulator.stop();
    removeTempDir(dir);
  }
}
