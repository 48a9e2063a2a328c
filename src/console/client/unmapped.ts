import { get, type RecordsPage } from './api.js';
import { byId, el, replace } from './dom.js';

/** Enough to name every unmapped event of a webinar-sized backlog; past it the counts say "at least". */
const LIMIT = 500;

/** The `events:` line that maps one source event (docs/configuration.md), HubSpot's id left for the operator. */
export function eventsLine(source: string, sourceEventId: string): string {
  return `- { source: ${source}, sourceEventId: ${JSON.stringify(sourceEventId)}, hubspot: { objectId: "<HubSpot event id>" } }`;
}

/** The "Unmapped events" section: records waiting for an `events:` mapping, grouped by source event. */
export async function refreshUnmapped(): Promise<void> {
  const page = await get<RecordsPage>(`/admin/records?state=unmapped&limit=${LIMIT}`);
  const groups = new Map<string, { source: string; sourceEventId: string; waiting: number }>();
  for (const r of page.records) {
    const key = `${r.source}\u0000${r.sourceEventId}`;
    const group = groups.get(key) ?? { source: r.source, sourceEventId: r.sourceEventId, waiting: 0 };
    group.waiting += 1;
    groups.set(key, group);
  }
  const more = page.nextCursor !== undefined;
  const rows = [...groups.values()].map((g) =>
    el(
      'tr',
      {},
      el('td', {}, g.source),
      el('td', {}, g.sourceEventId),
      el('td', { class: 'number' }, more ? `${g.waiting} or more` : g.waiting),
      el('td', { class: 'wrap' }, el('code', {}, eventsLine(g.source, g.sourceEventId))),
    ),
  );
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: '4' }, 'No unmapped events.')));
  replace(byId('unmapped-rows'), ...rows);
}
