#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): where the relay's CPU
// time went, by package/file and by function (self time), and the inclusive time of the
// relay's own functions. Usage: node bench/profile-summary.mjs FILE [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const [file] = positionals;
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Time per sample: timeDeltas[i] is the time before sample i.
const selfUs = new Map();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

function where(url) {
  if (!url) return '(native/V8)';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = clean.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const dist = clean.indexOf('/dist/');
  if (dist >= 0) return clean.slice(dist + 1);
  if (clean.startsWith('node:')) return clean;
  return clean;
}
const label = (n) => {
  const f = n.callFrame;
  const name = f.functionName || '(anonymous)';
  return `${name} ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
};

const idleUs = [...selfUs.entries()]
  .filter(([id]) => byId.get(id).callFrame.functionName === '(idle)')
  .reduce((sum, [, us]) => sum + us, 0);
const busyUs = totalUs - idleUs;
const pct = (us) => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`;
const printTop = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
};

const byPlace = new Map();
const byFunction = new Map();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (node.callFrame.functionName === '(idle)') continue;
  const place = ['(program)', '(garbage collector)'].includes(node.callFrame.functionName)
    ? node.callFrame.functionName
    : where(node.callFrame.url);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  const key = label(node);
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}

// Inclusive time of the relay's own functions (each counted once per stack).
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const node = byId.get(cur);
    if (!node.callFrame.url.includes('/dist/src/')) continue;
    const key = label(node);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s busy; percentages are of busy time`);
printTop('Self time by place:', byPlace);
printTop('Self time by function:', byFunction);
printTop('Inclusive time of relay functions (dist/src):', inclusive);
