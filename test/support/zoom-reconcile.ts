import { request } from 'undici';
import type { RelayProcess } from './process.js';
import { waitFor } from './wait.js';
import { zoomHeaders } from './zoom.js';

/** Helpers for the Zoom reconciliation tests (issue 18). */
export const RECONCILE_SECRET = 'reconcile-zoom-secret-0123456789';
export const ADMIN_TOKEN = 'reconcile-admin-token-0123456789abcdef';

export async function postZoom(relay: RelayProcess, body: unknown): Promise<number> {
  const text = JSON.stringify(body);
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(RECONCILE_SECRET, text), body: text });
  await res.body.dump();
  return res.statusCode;
}

export interface JobView {
  id: number;
  zoomId: string;
  uuid: string;
  status: string;
  reason: string;
  attempts: number;
  lastError?: string;
  result?: string;
}

export async function reconcileJobs(relay: RelayProcess): Promise<JobView[]> {
  const res = await request(`${relay.url}/admin/zoom/reconcile/jobs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.body.json()) as { jobs: JobView[] }).jobs;
}

/** Waits until the job of `zoomId` is done; its run's counts. */
export async function doneJob(relay: RelayProcess, zoomId: string, timeoutMs = 30_000) {
  const job = await waitFor(
    async () => (await reconcileJobs(relay)).find((j) => j.zoomId === zoomId && j.status === 'done'),
    `the reconciliation of ${zoomId} to be done`,
    timeoutMs,
    100,
  );
  return { job, result: JSON.parse(job.result as string) as Record<string, number | string> };
}

/** Whole seconds, hours in the past (a time after a webhook's arrival would be replaced by the arrival). */
export const pastSecond = (hoursAgo: number) => Math.floor(Date.now() / 1000) * 1000 - hoursAgo * 3_600_000;
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
