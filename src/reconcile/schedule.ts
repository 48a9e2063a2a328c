import { zoomEventKind } from '../sources/zoom/map.js';
import type { ZoomReconcileConfig } from '../sources/zoom/api/config.js';
import type { NewReconcileJob, NewWebhook } from '../store/ports.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

interface SeenObject {
  id?: string | number;
  uuid?: string;
  start_time?: string;
  duration?: number;
}

/**
 * The reconciliation jobs stored webhooks call for, for the Zoom sources with an `api`:
 * - `<kind>.ended`: that instance, `afterEndMinutes` after now (Zoom's reports appear some time after the end);
 * - a webhook naming a scheduled start (`registration_created` and `started` carry start_time and
 *   duration): the latest instance, `missedEndHours` after the scheduled end, in case no `ended` ever
 *   arrives (an `ended` supersedes it, see scheduleReconcileJobs).
 */
export function jobsForStoredWebhooks(
  rows: NewWebhook[],
  settings: ReadonlyMap<string, ZoomReconcileConfig>,
  now: number,
): NewReconcileJob[] {
  const jobs: NewReconcileJob[] = [];
  for (const row of rows) {
    const config = settings.get(row.sourceId);
    // A cheap look at the text first: most webhooks are joins and leaves.
    if (
      !config ||
      row.parkedReason !== undefined ||
      !/"(ended|registration_created|started)"|\.(ended|registration_created|started)"/.test(row.body)
    )
      continue;
    let body: { event?: unknown; payload?: { object?: SeenObject } };
    try {
      body = JSON.parse(row.body);
    } catch {
      continue;
    }
    if (typeof body.event !== 'string') continue;
    const scope = body.event.split('.')[0];
    const object = body.payload?.object;
    if ((scope !== 'webinar' && scope !== 'meeting') || object?.id === undefined) continue;
    const base = { sourceId: row.sourceId, zoomId: String(object.id), kind: scope } as const;
    const eventKind = zoomEventKind(body.event);
    if (eventKind === 'ended') {
      jobs.push({ ...base, uuid: object.uuid ?? '', reason: 'ended', dueAt: now + config.afterEndMinutes * MINUTE_MS });
    } else if ((eventKind === 'registered' || eventKind === 'started') && object.start_time) {
      const startsAt = Date.parse(object.start_time);
      if (Number.isNaN(startsAt)) continue;
      const endsAt = startsAt + (object.duration ?? 0) * MINUTE_MS;
      jobs.push({ ...base, uuid: '', reason: 'missed-end', dueAt: endsAt + config.missedEndHours * HOUR_MS });
    }
  }
  // A burst of registrations names the same webinar many times: one job each (the store ignores repeats anyway).
  const once = new Map(jobs.map((job) => [`${job.sourceId}\n${job.zoomId}\n${job.uuid}`, job]));
  return [...once.values()];
}
