#!/usr/bin/env node
// The relay's benchmark suite: `npm run bench` (full) or `npm run bench -- --quick`.
// Every figure is a ratio measured side by side in this run, on loopback, with the load
// generator on the same machine. Prints one table and writes bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, loadavg, platform, release, arch } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDrain } from './benchmarks/drain.mjs';
import { benchIngest } from './benchmarks/ingest.mjs';
import { benchLatency } from './benchmarks/latency.mjs';
import { benchBacklogMemory, benchStartAndIdle } from './benchmarks/memory.mjs';
import { benchQuota } from './benchmarks/quota.mjs';
import { cleanupAll, installCleanup, profileRelaysInto, ROOT } from './lib/procs.mjs';
import { buildRows, renderTable } from './lib/report.mjs';

const MODES = {
  full: {
    name: 'full',
    ingestSeconds: 10,
    ingestWarmupSeconds: 2,
    ingestBodies: 400_000,
    quotaRecords: 20_000,
    quotaRate: 1000,
    drainRecords: 200_000,
    latencyRate: 5,
    latencySeconds: 30,
    startRepeats: 5,
    idleSettleMs: 3000,
    memoryRecords: 1_000_000,
    memoryDrainCapMs: 120_000,
  },
  quick: {
    name: 'quick',
    ingestSeconds: 3,
    ingestWarmupSeconds: 1,
    ingestBodies: 120_000,
    quotaRecords: 2_000,
    quotaRate: 1000,
    // Three rolling windows of 100 × 100: a single window's quota can go out in one burst, so fewer records would measure nothing.
    drainRecords: 30_000,
    latencyRate: 5,
    latencySeconds: 10,
    startRepeats: 3,
    idleSettleMs: 2000,
    // 100,000 would take ~40 s here (claiming a batch costs time in proportion to the backlog): too long for < 2 min.
    memoryRecords: 50_000,
    memoryDrainCapMs: 45_000,
  },
};

const BENCHMARKS = [
  ['ingest', benchIngest],
  ['quota', benchQuota],
  ['drain', benchDrain],
  ['latency', benchLatency],
  ['start', benchStartAndIdle],
  ['memory', benchBacklogMemory],
];

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`usage: node bench/run.mjs [--quick] [--only ${BENCHMARKS.map(([n]) => n).join(',')}] [--cpu-prof] [--out FILE]\n`);
  process.exit(0);
}

const mode = values.quick ? MODES.quick : MODES.full;
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;
for (const name of only ?? []) {
  if (!BENCHMARKS.some(([n]) => n === name)) {
    process.stderr.write(`bench: unknown benchmark "${name}"\n`);
    process.exit(2);
  }
}
const outFile = values.out ?? join(ROOT, 'bench/results/latest.json');
const started = Date.now();
const log = (message) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

installCleanup();
if (values['cpu-prof']) {
  const dir = join(ROOT, 'bench/results/profiles');
  mkdirSync(dir, { recursive: true });
  profileRelaysInto(dir);
  log(`CPU profiles of the relay children go to ${dir} (summarise with node bench/profile-summary.mjs FILE)`);
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryBytes: totalmem(),
  freeMemoryBytesAtStart: freemem(),
  loadAverageAtStart: loadavg(),
  platform: `${platform()} ${release()} ${arch()}`,
  node: process.version,
};

/** The code measured: the commit and how many files under src/ differ from it (the build is of the working tree). */
function gitState() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean);
    return { commit: git('rev-parse', '--short', 'HEAD'), srcFilesChanged: changed.length };
  } catch {
    return undefined;
  }
}
const code = gitState();

const results = {};
let failures = 0;
for (const [name, run] of BENCHMARKS) {
  if (only && !only.has(name)) continue;
  const t0 = Date.now();
  try {
    results[name] = await run({ mode, log });
  } catch (error) {
    failures += 1;
    log(`${name}: FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    results[name] = { error: error instanceof Error ? error.message : String(error) };
    cleanupAll();
  }
  results[name].elapsedSeconds = (Date.now() - t0) / 1000;
}

const { rows, notes } = buildRows(results);
const title =
  mode.name === 'quick'
    ? `QUICK mode: scaled down (ingest ${mode.ingestSeconds} s, quota ${mode.quotaRecords.toLocaleString('en')} records, drain ${mode.drainRecords.toLocaleString('en')}, latency ${mode.latencySeconds} s, backlog ${mode.memoryRecords.toLocaleString('en')}) — not the reference figures`
    : 'FULL mode';
const lines = [
  '',
  `hubspot-attendance-relay benchmarks — ${title}`,
  `${machine.cpus} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, node ${machine.node}, ${new Date(started).toISOString()}; load generator, relay and simulator share this machine`,
  ...(code
    ? [
        `code: ${code.commit}${code.srcFilesChanged > 0 ? ` + ${code.srcFilesChanged} uncommitted file(s) under src/` : ''} (as built by npm run build)`,
      ]
    : []),
  '',
  renderTable(['Benchmark', 'Measured', 'Baseline / ceiling', 'Ratio', 'Target', 'Met?'], rows),
  '',
  ...(notes.length > 0 ? ['Missed:', ...notes.map((n) => `  - ${n}`)] : ['All targets met.']),
  `Total ${((Date.now() - started) / 1000).toFixed(0)} s. Figures: ${outFile.replace(`${ROOT}/`, '')}`,
  '',
];
process.stdout.write(lines.join('\n'));

mkdirSync(join(outFile, '..'), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      date: new Date(started).toISOString(),
      mode: mode.name,
      modeSettings: mode,
      only: only ? [...only] : undefined,
      machine,
      node: process.version,
      code,
      totalSeconds: (Date.now() - started) / 1000,
      table: rows,
      missed: notes,
      results,
    },
    null,
    2,
  )}\n`,
);
process.exitCode = failures > 0 ? 1 : 0;
