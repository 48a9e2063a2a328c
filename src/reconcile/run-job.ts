import type { ZoomApiClient, ZoomInstanceKind } from '../sources/zoom/api/client.js';
import { ZoomApiError } from '../sources/zoom/api/errors.js';
import type { ReconcileJob, Store } from '../store/ports.js';
import { reportWebhooks, type ReconcileCounts } from './report-webhooks.js';

export type ReconcileStore = Pick<Store, 'insertWebhooks' | 'knownAttendance' | 'knownContactKeys'>;

/** The latest past instance of an id (GET /past_webinars/{id}/instances or /past_meetings/{id}/instances). */
async function latestInstance(
  client: ZoomApiClient,
  kind: ZoomInstanceKind,
  zoomId: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const instances = await client.pastInstances(kind, zoomId, signal);
  const latest = instances.sort((a, b) => Date.parse(b.start_time ?? '') - Date.parse(a.start_time ?? ''))[0];
  return latest?.uuid;
}

/** Registrants: a meeting without registration has none (Zoom refuses the list), which is no failure. */
async function registrantsOf(client: ZoomApiClient, kind: ZoomInstanceKind, zoomId: string, signal?: AbortSignal) {
  try {
    return await client.registrants(kind, zoomId, signal);
  } catch (error) {
    if (kind === 'meeting' && error instanceof ZoomApiError && (error.kind === 'refused' || error.kind === 'not-ready')) return [];
    throw error;
  }
}

export interface ReconcileRun extends ReconcileCounts {
  uuid: string;
  /** Of `added`, the synthetic webhooks the inbox did not hold yet (a re-run stores none). */
  stored: number;
}

/**
 * One reconciliation: reads the instance's report and registrants from Zoom and stores what the
 * relay lacks as webhooks of the Zoom source (see reportWebhooks). Throws ZoomApiError on Zoom's refusals.
 */
export async function runReconcileJob(
  job: Pick<ReconcileJob, 'sourceId' | 'zoomId' | 'uuid' | 'kind'>,
  client: ZoomApiClient,
  store: ReconcileStore,
  now: () => number,
  signal?: AbortSignal,
): Promise<ReconcileRun> {
  const uuid = job.uuid || (await latestInstance(client, job.kind, job.zoomId, signal)) || '';
  const participants = await client.reportParticipants(job.kind, uuid || job.zoomId, signal);
  const registrants = await registrantsOf(client, job.kind, job.zoomId, signal);
  const known = await store.knownAttendance(job.sourceId, job.zoomId, uuid);
  const keys = registrants.filter((r) => r.id).map((r) => `registrant:${r.id}`);
  const knownRegistrants = new Set(await store.knownContactKeys(job.sourceId, keys));
  const { webhooks, counts } = reportWebhooks({
    sourceId: job.sourceId,
    kind: job.kind,
    zoomId: job.zoomId,
    uuid,
    participants,
    registrants,
    known,
    knownRegistrants,
    now: now(),
  });
  const accepted = webhooks.length > 0 ? await store.insertWebhooks(webhooks) : [];
  return { ...counts, uuid, stored: accepted.filter((a) => !a.duplicate).length };
}
