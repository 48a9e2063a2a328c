import type { Source } from '../sources/types.js';
import type { AdminQueries, ParkedReading, StoredParkedWebhook } from '../store/ports.js';
import { readWebhook } from './receive-webhook.js';

const PAGE = 200;

/**
 * Reads parked webhooks again from their stored bytes through the sources as they are now (after
 * a configuration reload or an upgrade): those that read go on to processing as if just stored,
 * the rest stay parked with the new reason. A webhook of a source this relay lacks is left as it is.
 */
export async function replayParkedWebhooks(
  store: Pick<AdminQueries, 'parkedWebhooksToRead' | 'settleParkedWebhooks'>,
  sources: ReadonlyMap<string, Source>,
  ids: number[] | 'all',
  now: number,
): Promise<{ replayed: number; stillParked: number }> {
  let replayed = 0;
  let stillParked = 0;
  for (let afterId = 0; ;) {
    const rows = await store.parkedWebhooksToRead(ids, PAGE, afterId);
    if (rows.length === 0) break;
    const readings: ParkedReading[] = [];
    for (const row of rows) {
      const source = sources.get(row.sourceId);
      if (!source) continue;
      const reading = readParked(source, row);
      readings.push(reading);
      if (reading.readable) replayed++;
      else stillParked++;
    }
    await store.settleParkedWebhooks(readings, now);
    afterId = (rows.at(-1) as StoredParkedWebhook).id;
  }
  return { replayed, stillParked };
}

function readParked(source: Source, row: StoredParkedWebhook): ParkedReading {
  try {
    // Verified when it arrived; of its headers only those the source's mapping reads were kept
    // (never the signature or token), and its query not at all.
    const kept = source.keptRequest?.(row.body) ?? { rawBody: row.body, headers: {} };
    const request = { rawBody: Buffer.from(kept.rawBody), headers: kept.headers, query: {}, receivedAt: row.receivedAt, verified: {} };
    const verdict = readWebhook(source, { ...request, body: JSON.parse(kept.rawBody) as unknown }, kept.rawBody);
    // An event the source now answers without storing (ignored): processed, it makes nothing.
    if (verdict.kind === 'respond') return { id: row.id, readable: true, body: row.body, needsDetails: false };
    return { id: row.id, readable: true, body: verdict.storedBody ?? row.body, needsDetails: Boolean(verdict.needsDetails) };
  } catch (error) {
    return { id: row.id, readable: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
