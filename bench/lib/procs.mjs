// Child processes of the benchmark (relay, HubSpot simulator, bare Fastify), their
// clean-up, temp dirs, free ports, readiness polling and RSS sampling.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RELAY_MAIN = join(ROOT, 'dist/src/main.js');
/** The node flags the relay ships with (`npm start`, the Dockerfile, the bin's shebang): measured as run. */
export const RELAY_NODE_FLAGS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  .scripts.start.split(' ')
  .filter((word) => word.startsWith('--'));
export const SIMULATOR_MAIN = join(ROOT, 'dist/dev/hubspot-simulator/main.js');
export const BARE_MAIN = join(ROOT, 'bench/bare-server.mjs');

export const SIM_TOKEN = 'sim-token';
export const ZOOM_SECRET = 'bench-zoom-secret';
export const ZOOM_EVENT_ID = '81234567890';
export const HUBSPOT_OBJECT_ID = '5123456';
export const TARGET_KEY = `object:${HUBSPOT_OBJECT_ID}`;

const children = new Set();
let profileDir;

/**
 * With a directory, every relay child runs with --cpu-prof and writes its profiles under `<dir>/<label>/`
 * on exit, one per thread: Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, where
 * thread 0 is the request thread and thread 1 the store worker.
 */
export function profileRelaysInto(dir) {
  profileDir = dir;
}
const tempDirs = new Set();

/** Kills every child still running and removes every temp dir (idempotent, synchronous). */
export function cleanupAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let installed = false;
/** Makes sure children and temp dirs go away however the benchmark ends. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      cleanupAll();
      process.exit(130);
    });
  }
}

export function makeTempDir(prefix = 'relay-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Spawns `node args...`; keeps the last lines of its output for error messages. */
function spawnNode(name, args, { env = {}, onStdoutLine } = {}) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const tail = [];
  const keep = (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      keep(line);
      onStdoutLine?.(line);
    }
  });
  child.stderr.on('data', (chunk) => keep(chunk.toString().trimEnd()));
  const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));
  exited.then(() => children.delete(child));
  return { name, child, pid: child.pid, tail, exited, output: () => tail.join('\n') };
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(proc, graceMs = 5000) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return proc ? proc.exited : undefined;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

/** Waits for a child's first stdout line that parses as JSON with a `url`. */
function waitForUrlLine(proc, hooks, field, timeoutMs = 15_000) {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${proc.name} did not start within ${timeoutMs} ms:\n${proc.output()}`)), timeoutMs);
    proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${proc.name} exited early (${code ?? signal}):\n${proc.output()}`));
    });
    hooks.onLine = (line) => {
      try {
        const parsed = JSON.parse(line);
        if (parsed && typeof parsed.url === 'string' && (!field || field in parsed)) {
          clearTimeout(timer);
          resolveUrl(parsed.url);
        }
      } catch {
        // not the line we wait for
      }
    };
  });
}

/** The HubSpot simulator as its own process. */
export async function startSimulator({ rateMax = 100, rateIntervalMs = 10_000, dailyLimit = 100_000_000 } = {}) {
  const hooks = {};
  const proc = spawnNode(
    'hubspot-simulator',
    [
      // It keeps every request and stored input in memory; the 1M-record drain needs room.
      '--max-old-space-size=4096',
      SIMULATOR_MAIN,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--token',
      SIM_TOKEN,
      '--rate-max',
      String(rateMax),
      '--rate-interval-ms',
      String(rateIntervalMs),
      '--daily-limit',
      String(dailyLimit),
    ],
    { onStdoutLine: (line) => hooks.onLine?.(line) },
  );
  const url = await waitForUrlLine(proc, hooks, 'hubspotSimulator');
  const control = async (path, init) => {
    const response = await fetch(url + path, init);
    if (!response.ok) throw new Error(`simulator ${path}: HTTP ${response.status}`);
    return response.json();
  };
  return {
    ...proc,
    url,
    stats: () => control('/_simulator/stats'),
    requests: () => control('/_simulator/requests'),
    reset: () => control('/_simulator/reset', { method: 'POST' }),
    setRateLimit: (max, intervalMs) =>
      control('/_simulator/rate-limit', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ max, intervalMs }),
      }),
    stop: () => stopProcess(proc),
  };
}

/** The bare Fastify baseline (one POST route answering {received:true}). */
export async function startBare() {
  const hooks = {};
  const proc = spawnNode('bare-fastify', [BARE_MAIN], { onStdoutLine: (line) => hooks.onLine?.(line) });
  const url = await waitForUrlLine(proc, hooks, 'bare');
  return { ...proc, url, stop: () => stopProcess(proc) };
}

/**
 * Writes the relay's YAML config (JSON is YAML) into `dir`. `hubspot` overrides the
 * HubSpot settings; the store is the given URL.
 */
export function writeRelayConfig(dir, { port, storeUrl, hubspotUrl, hubspot = {} }) {
  const config = {
    server: { port, host: '127.0.0.1', shutdownGraceMs: 2000 },
    store: { url: storeUrl },
    hubspot: { baseUrl: hubspotUrl, accessToken: SIM_TOKEN, requestTimeoutMs: 15_000, ...hubspot },
    logging: { level: 'warn' },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }],
    events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: HUBSPOT_OBJECT_ID } }],
  };
  const file = join(dir, 'relay.yaml');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/**
 * Spawns `node <flags> dist/src/main.js serve --config <file>` (as `npm start` does) and polls /readyz every
 * `pollMs` until 200. `startMs` is spawn → first 200.
 */
export async function startRelay({ configFile, port, label = 'relay', pollMs = 10, timeoutMs = 120_000 }) {
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, label)}`] : [];
  const spawnedAt = performance.now();
  const proc = spawnNode('relay', [...RELAY_NODE_FLAGS, ...nodeArgs, RELAY_MAIN, 'serve', '--config', configFile]);
  let gone = false;
  proc.exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`relay exited before it was ready:\n${proc.output()}`);
    if (performance.now() - spawnedAt > timeoutMs) throw new Error(`relay not ready after ${timeoutMs} ms:\n${proc.output()}`);
    try {
      // Generous: with a large backlog the relay's event loop can be busy for seconds at a time.
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
  const startMs = performance.now() - spawnedAt;
  return { ...proc, url, port, startMs, readyAt: Date.now(), stop: () => stopProcess(proc, 10_000) };
}

/**
 * Probes `GET url/healthz` every `everyMs` (one at a time) until stopped; the round-trip
 * times show how long the relay's event loop is blocked while it works.
 */
export function healthProber(url, everyMs = 500) {
  const times = [];
  let failures = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) });
        await response.arrayBuffer();
        times.push(performance.now() - t0);
      } catch {
        failures += 1;
      }
      await sleep(everyMs);
    }
  })();
  return async () => {
    running = false;
    await done;
    return { times, failures };
  };
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc. */
export function cpuSeconds(pid) {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux the benchmark is meant for. */
const CLOCK_TICKS = 100;

/** CPU use of processes over an interval: start() then stop() → { [name]: cores used on average }. */
export function cpuMeter(procs) {
  const t0 = performance.now();
  const before = Object.fromEntries(
    Object.entries(procs).map(([name, pid]) => [name, name === 'bench' ? process.cpuUsage() : cpuSeconds(pid)]),
  );
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const out = {};
    for (const [name, pid] of Object.entries(procs)) {
      if (name === 'bench') {
        const used = process.cpuUsage(before[name]);
        out[name] = (used.user + used.system) / 1e6 / seconds;
      } else {
        const now = cpuSeconds(pid);
        out[name] = now !== undefined && before[name] !== undefined ? (now - before[name]) / seconds : undefined;
      }
    }
    return out;
  };
}

/** Resident set size of a process in bytes (VmRSS from /proc), or undefined when unavailable. */
export function rssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
