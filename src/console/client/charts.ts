import { get } from './api.js';
import { byId, clock, el, replace, svg } from './dom.js';

/** GET /admin/activity (openapi.yaml: ActivityAnswer). */
interface Activity {
  perMinute: Array<{ start: string; webhooks: number; delivered: number }>;
  perTenSeconds: Array<{ start: string; requests: number }>;
  hubspotLimitPerTenSeconds: number;
}

interface Line {
  label: string;
  values: number[];
  className: string;
}

const WIDTH = 600;
const HEIGHT = 150;
const PAD = { left: 40, right: 8, top: 8, bottom: 20 };

/**
 * One hand-drawn SVG line chart. The numbers are also in its accessible name, so a screen reader
 * hears what a sighted operator sees.
 */
function lineChart(title: string, starts: string[], lines: Line[], quota?: { label: string; value: number }): HTMLElement {
  const top = Math.max(1, quota?.value ?? 0, ...lines.flatMap((l) => l.values));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (starts.length <= 1 ? 0 : (i / (starts.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const parts: SVGElement[] = [
    svg('line', { x1: PAD.left, y1: y(0), x2: WIDTH - PAD.right, y2: y(0), class: 'axis' }),
    svg('text', { x: PAD.left - 4, y: y(top) + 4, 'text-anchor': 'end', class: 'tick' }),
    svg('text', { x: PAD.left - 4, y: y(0), 'text-anchor': 'end', class: 'tick' }),
    svg('text', { x: PAD.left, y: HEIGHT - 4, class: 'tick' }),
    svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 4, 'text-anchor': 'end', class: 'tick' }),
  ];
  parts[1]!.textContent = String(top);
  parts[2]!.textContent = '0';
  parts[3]!.textContent = starts[0] ? clock(starts[0]) : '';
  parts[4]!.textContent = 'now';
  if (quota) parts.push(svg('line', { x1: PAD.left, y1: y(quota.value), x2: WIDTH - PAD.right, y2: y(quota.value), class: 'quota' }));
  for (const line of lines) {
    const points = line.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(svg('polyline', { points, class: `series ${line.className}` }));
  }
  const summary = lines.map((l) => `${l.label}: ${l.values.reduce((a, b) => a + b, 0)} in all, at most ${Math.max(0, ...l.values)}`);
  if (quota) summary.push(`${quota.label}: ${quota.value}`);
  const image = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${title}. ${summary.join('; ')}.` }, ...parts);
  const legend = el(
    'ul',
    { class: 'legend' },
    ...lines.map((l) => el('li', { class: l.className }, l.label)),
    quota ? el('li', { class: 'quota' }, `${quota.label} (${quota.value})`) : null,
  );
  return el('figure', {}, el('figcaption', {}, title), image, legend);
}

/** The "Activity" section: drawn from the relay's in-memory rings, which start empty at each start. */
export async function refreshCharts(): Promise<void> {
  const activity = await get<Activity>('/admin/activity');
  const minutes = activity.perMinute;
  // The last ten minutes of 10-second slots: an hour of them is too dense to read.
  const tens = activity.perTenSeconds.slice(-60);
  replace(
    byId('charts'),
    lineChart(
      'Per minute, last hour',
      minutes.map((m) => m.start),
      [
        { label: 'Webhooks received', values: minutes.map((m) => m.webhooks), className: 'webhooks' },
        { label: 'Records delivered', values: minutes.map((m) => m.delivered), className: 'delivered' },
      ],
    ),
    lineChart(
      'HubSpot requests per 10 s, last 10 minutes',
      tens.map((t) => t.start),
      [{ label: 'HubSpot requests', values: tens.map((t) => t.requests), className: 'requests' }],
      { label: 'Configured limit', value: activity.hubspotLimitPerTenSeconds },
    ),
  );
}
