import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

/**
 * A tiny tmpfs gives a real full disk; mounting needs root (CI runs as root). A read-only remount
 * is refused by Linux while SQLite holds the file open for writing, so the full disk stands for both.
 */
function canMount(): boolean {
  const scratch = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', scratch.dir], { stdio: 'ignore' });
    execFileSync('umount', [scratch.dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    scratch.remove();
  }
}
const mountable = canMount();
if (!mountable) console.warn('store-trouble tests skipped: mounting a tmpfs needs root (run the suite as root to enable them)');

let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;
let disk: string;
let counter = 0;

async function post(): Promise<{ status: number; code?: string; email: string }> {
  const email = `disk${counter++}@example.com`;
  const body = JSON.stringify(registrationEvent('created', '5150', { email, org: 'x'.repeat(1500) }));
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
  const json = (await res.body.json()) as { code?: string };
  return { status: res.statusCode, code: json.code, email };
}

async function readiness(): Promise<{ status: number; store: string }> {
  const res = await request(`${relay.url}/readyz`);
  const body = (await res.body.json()) as { checks: { store: string } };
  return { status: res.statusCode, store: body.checks.store };
}

beforeEach(async () => {
  if (!mountable) return;
  temp = tempDir();
  disk = join(temp.dir, 'disk');
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', disk]);
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: { store: { url: `sqlite:${disk}/relay.db` }, logging: { level: 'fatal' } },
  });
});

afterEach(async () => {
  if (!mountable) return;
  await relay.close();
  await hubspot.close();
  execFileSync('umount', ['-l', disk]);
  temp.remove();
});

describe.skipIf(!mountable)('store trouble (SQLite)', () => {
  it('when the disk fills up, then webhooks get 503 (never 200 for something not stored) and the relay recovers by itself once space is back', async () => {
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post();
      expect(res.status).toBe(200);
      accepted.push(res.email);
    }
    const filler = join(disk, 'filler');
    writeFileSync(filler, '');
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(64 * 1024));
    } catch {
      // ENOSPC: the disk is full
    }
    const during: Array<{ status: number; code?: string }> = [];
    for (let i = 0; i < 300; i++) {
      const res = await post();
      during.push(res);
      if (res.status === 200) accepted.push(res.email); // fitted into space SQLite had already: stored
    }
    const refused = during.filter((r) => r.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.status === 503 && r.code === 'STORE_UNAVAILABLE')).toBe(true);
    expect((await readiness()).status).toBe(503);

    rmSync(filler);
    await waitFor(async () => (await post().then((r) => (r.status === 200 ? accepted.push(r.email) : 0))) > 0, 'webhooks accepted again');
    await waitFor(async () => (await readiness()).status === 200, '/readyz back to 200', 15_000);
    await waitFor(
      () => {
        const seen = new Set(hubspot.attendance().map((r) => r.email));
        return accepted.every((e) => seen.has(e));
      },
      'every acknowledged webhook delivered',
      15_000,
    );
  }, 45_000);
});
