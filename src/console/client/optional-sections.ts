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

/**
 * "HubSpot events": the events the relay manages in HubSpot, when this relay has GET /admin/events
 * (hidden while that route answers 404). Its shape belongs to that feature, so the table shows the
 * first list in the answer with one column per field.
 */
export async function refreshHubspotEvents(): Promise<void> {
  const answer = await getIfPresent<unknown>('/admin/events').catch(() => undefined);
  const list = Array.isArray(answer) ? answer : Object.values((answer ?? {}) as object).find(Array.isArray);
  byId('hubspot-events').hidden = answer === undefined;
  if (!answer) return;
  const items = ((list ?? []) as Array<Record<string, unknown>>).slice(0, 200);
  const columns = [...new Set(items.flatMap((item) => Object.keys(item ?? {})))].slice(0, 8);
  replace(byId('hubspot-events-head'), el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c))));
  const cell = (value: unknown) =>
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const rows = items.map((item) => el('tr', {}, ...columns.map((c) => el('td', { class: 'wrap' }, cell(item[c])))));
  if (rows.length === 0) rows.push(el('tr', {}, el('td', {}, 'No HubSpot events.')));
  replace(byId('hubspot-events-rows'), ...rows);
}
