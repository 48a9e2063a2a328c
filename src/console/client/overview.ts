import { get, getIfPresent } from './api.js';
import { byId, clock, dateTime, duration, el, replace } from './dom.js';

/** GET /status (openapi.yaml: StatusAnswer), the parts shown here. */
interface Status {
  status: string;
  checks: { store: string; storeWorker: string | null };
  records: Record<string, number>;
  oldestPendingAgeSeconds: number | null;
  lastSuccessfulHubspotCall: string | null;
  pauses: Array<{ cause: string; reason: string; until?: string; missingScopes?: string[] }>;
  rateLimit: { limit: number; inWindow: number };
}

const COUNTS: Array<[label: string, status: string]> = [
  ['Pending', 'pending'],
  ['In flight', 'inflight'],
  ['Delivered', 'delivered'],
  ['Dead', 'dead'],
  ['Unmapped', 'unmapped'],
];

/** A pause as a sentence: what stopped delivery, and until when. */
export function pauseInWords(pause: Status['pauses'][number]): string {
  const until = pause.until ? ` until ${clock(pause.until)}` : '';
  if (pause.cause === 'rate-limit') {
    // The send gate's reason is "HubSpot 429 <policyName>" (src/delivery/sender.ts).
    const policy = /([A-Z][A-Z_]+)$/.exec(pause.reason)?.[1];
    return `Paused: HubSpot rate limit${policy ? ` (${policy})` : ''}${until}`;
  }
  if (pause.cause === 'auth') {
    const scopes = pause.missingScopes ?? [];
    if (scopes.length > 0) return `Paused: HubSpot refused the token — missing scope ${scopes.join(', ')}`;
    return `Paused: HubSpot refused the token (${pause.reason})${until ? `; next try${until}` : ''}`;
  }
  return `Paused: ${pause.reason}${until}`;
}

/** The "Relay status" section: counts, the oldest pending record, the last HubSpot call, pauses. */
export async function refreshOverview(): Promise<void> {
  const [status, parked] = await Promise.all([
    get<Status>('/status'),
    getIfPresent<{ webhooks: unknown[] }>('/admin/webhooks?state=parked&limit=500').catch(() => undefined),
  ]);
  const counts: Array<[string, string]> = COUNTS.map(([label, key]) => [label, String(status.records[key] ?? 0)]);
  if (parked) counts.push(['Parked', parked.webhooks.length >= 500 ? '500 or more' : String(parked.webhooks.length)]);
  replace(byId('counts'), ...counts.map(([label, n]) => el('div', { class: 'count' }, el('dt', {}, label), el('dd', {}, n))));

  const lastCall = status.lastSuccessfulHubspotCall;
  replace(
    byId('facts'),
    el('dt', {}, 'Relay'),
    el('dd', {}, status.status === 'ready' ? 'Ready' : status.status),
    el('dt', {}, 'Store'),
    el('dd', {}, status.checks.storeWorker ?? status.checks.store),
    el('dt', {}, 'Oldest pending record'),
    el('dd', {}, status.oldestPendingAgeSeconds === null ? 'None pending' : `${duration(status.oldestPendingAgeSeconds)} old`),
    el('dt', {}, 'Last successful HubSpot call'),
    el('dd', {}, lastCall ? dateTime(lastCall) : 'None since the relay started'),
    el('dt', {}, 'HubSpot calls in this 10 s window'),
    el('dd', {}, `${status.rateLimit.inWindow} of ${status.rateLimit.limit}`),
  );
  const pauses = status.pauses.map(pauseInWords);
  replace(
    byId('pauses'),
    ...(pauses.length > 0 ? pauses.map((p) => el('p', { class: 'pause' }, p)) : [el('p', { class: 'running' }, 'Delivering: no pause')]),
  );
}
