import { getIfPresent, post } from './api.js';
import { byId, dateTime, el, replace } from './dom.js';

interface ParkedWebhook {
  id: number;
  source: string;
  receivedAt: string;
  reason?: string;
}

/** "Parked webhooks": shown when the relay parks webhooks (GET /admin/webhooks?state=parked answers 200). */
export async function refreshParked(): Promise<void> {
  const answer = await getIfPresent<{ webhooks: ParkedWebhook[] }>('/admin/webhooks?state=parked&limit=50').catch(() => undefined);
  byId('parked').hidden = answer === undefined;
  if (!answer) return;
  const rows = answer.webhooks.map((w) =>
    el(
      'tr',
      {},
      el('td', { class: 'number' }, w.id),
      el('td', {}, w.source),
      el('td', {}, dateTime(w.receivedAt)),
      el('td', { class: 'wrap' }, w.reason ?? ''),
    ),
  );
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: '4' }, 'No parked webhooks.')));
  replace(byId('parked-rows'), ...rows);
  byId<HTMLButtonElement>('parked-replay').disabled = answer.webhooks.length === 0;
}

export async function replayParked(): Promise<void> {
  const answer = await post<{ replayed: number; stillParked: number }>('/admin/webhooks/replay', { ids: 'all', state: 'parked' });
  replace(byId('parked-message'), `Read again: ${answer.replayed} now processed, ${answer.stillParked} still parked.`);
  await refreshParked();
}

/** One HubSpot event as GET /admin/events lists it (src/ops/events-routes.ts, ManagedEventView). */
interface ManagedEventRow {
  source: string;
  sourceEventId: string;
  objectId: string | null;
  state: string;
  name: string | null;
  lastError: string | null;
  updatedAt: string;
}

/**
 * "HubSpot events": the events the relay creates and keeps in HubSpot (createEvents), shown when
 * this relay has GET /admin/events (hidden while that route answers 404).
 */
export async function refreshHubspotEvents(): Promise<void> {
  const answer = await getIfPresent<{ events: ManagedEventRow[] }>('/admin/events').catch(() => undefined);
  byId('hubspot-events').hidden = answer === undefined;
  if (!answer) return;
  const rows = answer.events.map((e) =>
    el(
      'tr',
      {},
      el('td', { class: 'wrap' }, e.name ?? ''),
      el('td', {}, e.source),
      el('td', {}, e.sourceEventId),
      el('td', {}, e.objectId ?? ''),
      el('td', {}, e.state),
      el('td', { class: 'wrap' }, e.lastError ?? ''),
      el('td', {}, new Date(e.updatedAt).toLocaleString()),
    ),
  );
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: '7' }, 'No HubSpot events yet.')));
  replace(byId('hubspot-events-rows'), ...rows);
}
