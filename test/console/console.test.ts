import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { request } from 'undici';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { killRelay, spawnTestRelay, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';
import { launchBrowser, type Browser } from './browser.js';

const ADMIN_TOKEN = 'console-admin-token-0123456789abcdef';
const ZOOM_SECRET = 'console-zoom-secret';
/** `npm run console:screenshot` sets it: the screenshot in the README is taken by this test. */
const SCREENSHOT = process.env.CONSOLE_SCREENSHOT ? resolve(import.meta.dirname, '../../docs/console.png') : undefined;

let temp: ReturnType<typeof tempDir>;
let hubspot: HubspotSimulator;
let relay: RelayProcess;
let browser: Browser;

async function register(email: string, eventId = '111') {
  const body = JSON.stringify(registrationEvent('created', eventId, { email, firstName: 'Ada' }));
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
}

/** A new tab (so an empty sessionStorage), signed in. */
async function signedIn(): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${relay.url}/console`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Relay status' }).waitFor();
  return page;
}

beforeAll(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator();
  relay = await spawnTestRelay(temp.dir, hubspot.url, {
    admin: { token: ADMIN_TOKEN },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }],
    events: [
      { source: 'zoom', sourceEventId: '111', hubspot: { objectId: '1' } },
      { source: 'zoom', sourceEventId: '222', hubspot: { objectId: '2' } },
    ],
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  killRelay(relay);
  await hubspot?.close();
  temp?.remove();
});

describe('operator console in a real browser', { timeout: 60_000 }, () => {
  it('when a wrong token is typed, then "Admin token refused" and the form stays; the right one opens the console, kept in no URL and no cookie', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    const response = await page.goto(`${relay.url}/console`);
    expect(response?.headers()).toMatchObject({ 'x-frame-options': 'DENY' });
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');

    await page.getByLabel('Admin token').fill('wrong-token-wrong-token-wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Admin token refused').waitFor();
    expect(await page.getByRole('heading', { name: 'Relay status' }).isVisible()).toBe(false);
    expect(await page.getByLabel('Admin token').isVisible()).toBe(true);

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Relay status' }).waitFor();
    await page.getByText('Delivering: no pause').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(1);
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    expect(await browser.context.cookies()).toEqual([]);
    expect(browser.requests.filter((url) => url.includes(ADMIN_TOKEN))).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await page.close();
  });

  it('when HubSpot refuses records, then they are listed with its message, and "Replay selected" turns them delivered', async () => {
    for (const email of ['dead1@example.com', 'dead2@example.com']) {
      hubspot.inject({ kind: 'input-error', category: 'VALIDATION_ERROR', message: `Invalid email \`${email}\``, match: { email } });
    }
    const page = await signedIn();
    await register('dead1@example.com');
    await register('dead2@example.com');
    const rows = page.locator('#dead-rows tr');
    await rows.filter({ hasText: 'Invalid email `dead1@example.com`' }).waitFor();
    await rows.filter({ hasText: 'Invalid email `dead2@example.com`' }).waitFor();
    await page.getByLabel('Select dead1@example.com').check();
    await page.getByLabel('Select dead2@example.com').check();
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await page.getByText('Replayed 2 records.').waitFor();
    for (const email of ['dead1@example.com', 'dead2@example.com']) {
      await rows.filter({ hasText: email }).locator('td.status', { hasText: 'delivered' }).waitFor();
    }
    expect(
      hubspot
        .attendance()
        .filter((r) => r.email.startsWith('dead'))
        .map((r) => r.email),
    ).toEqual(expect.arrayContaining(['dead1@example.com', 'dead2@example.com']));
    await page.close();
  });

  it('when HubSpot answers 429, then the pause is shown in words, and it goes once the pause ends', async () => {
    const page = await signedIn();
    hubspot.inject({ kind: 'rate-limit', policy: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: 8 });
    await register('paused@example.com');
    const pause = page.getByText(/^Paused: HubSpot rate limit \(TEN_SECONDLY_ROLLING\) until \d\d:\d\d:\d\d$/);
    await pause.waitFor();
    await pause.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByText('Delivering: no pause').waitFor();
    await waitFor(() => hubspot.attendance().some((r) => r.email === 'paused@example.com'), 'the paused record delivered');
    await page.close();
  });

  it('when an event has no mapping, then it is listed with the exact events: line to add', async () => {
    const page = await signedIn();
    await register('nomap@example.com', '99999');
    const row = page.locator('#unmapped-rows tr', { hasText: '99999' });
    await row.waitFor();
    expect(await row.locator('td').allInnerTexts()).toEqual([
      'zoom',
      '99999',
      '1',
      '- { source: zoom, sourceEventId: "99999", hubspot: { objectId: "<HubSpot event id>" } }',
    ]);
    await page.close();
  });

  it('when the console is used, then it has no serious accessibility violation, fits 1280 px, and never left the relay', async () => {
    // One dead letter on screen, so the table is checked (and pictured) with a row in it.
    const email = 'grace@example.com';
    hubspot.inject({ kind: 'input-error', category: 'VALIDATION_ERROR', message: `Invalid email \`${email}\``, match: { email } });
    await register(email);
    const page = await signedIn();
    await page.locator('#charts figure').first().waitFor();
    await page.locator('#dead-rows tr', { hasText: email }).waitFor();
    await page.locator('#parked-rows tr').first().waitFor();
    // axe runs through the DevTools protocol, which the page's CSP does not govern.
    await page.evaluate(axe.source);
    const result = await page.evaluate<axe.AxeResults>('axe.run(document)');
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // Keyboard: Tab alone reaches every control.
    const reached = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate<string>("document.activeElement?.textContent || document.activeElement?.id || ''"));
    }
    expect([...reached]).toEqual(expect.arrayContaining(['Sign out', 'dead-source', 'Apply filters', 'Replay all dead']));
    expect(browser.requests.filter((url) => !url.startsWith(`${relay.url}/`))).toEqual([]);
    // GET /admin/events answers (issue 14): its section shows, empty on a relay without createEvents mappings.
    expect(await page.getByRole('heading', { name: 'HubSpot events' }).isVisible()).toBe(true);
    expect(await page.locator('#hubspot-events-rows').textContent()).toBe('No HubSpot events yet.');
    expect(await page.getByRole('heading', { name: 'Parked webhooks' }).isVisible()).toBe(true);
    await page.close();
  });

  it('when the console is followed, then GET /admin/activity counts what the relay did against its limit', async () => {
    const res = await request(`${relay.url}/admin/activity`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await res.body.json()) as {
      perMinute: Array<{ webhooks: number; delivered: number }>;
      perTenSeconds: Array<{ requests: number }>;
      hubspotLimitPerTenSeconds: number;
    };
    expect(body.perMinute).toHaveLength(60);
    expect(body.perTenSeconds).toHaveLength(360);
    expect(body.perMinute.reduce((n, m) => n + m.webhooks, 0)).toBe(5);
    expect(body.perMinute.reduce((n, m) => n + m.delivered, 0)).toBeGreaterThanOrEqual(3);
    expect(body.perTenSeconds.reduce((n, m) => n + m.requests, 0)).toBeGreaterThanOrEqual(3);
    expect(body.hubspotLimitPerTenSeconds).toBe(100);
  });

  it('when there are more dead letters than a page, then filters and paging reach them all, and "Replay all dead" delivers them', async () => {
    hubspot.inject({
      kind: 'input-error',
      category: 'VALIDATION_ERROR',
      message: 'Refused for the test',
      probability: 1,
      match: { eventKey: 'object:2' },
    });
    for (let i = 0; i < 55; i++) await register(`many${i}@example.com`, '222');
    const page = await signedIn();
    await page.getByLabel('Source event id').fill('222');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await page.locator('#dead-page').innerText()) === 'Page 1, 50 rows', 'a full first page', 30_000);
    await page.getByRole('button', { name: 'Older' }).click();
    await waitFor(async () => (await page.locator('#dead-page').innerText()) === 'Page 2, 5 rows', 'the second page');
    expect(await page.locator('#dead-rows tr', { hasText: 'many0@example.com' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Newer' }).click();
    await waitFor(async () => (await page.locator('#dead-page').innerText()) === 'Page 1, 50 rows', 'back on the first page');

    hubspot.clearFaults();
    await page.getByRole('button', { name: 'Replay all dead' }).click();
    await page.getByText('Replayed 55 records.').waitFor();
    await waitFor(() => hubspot.attendance().filter((r) => r.email.startsWith('many')).length === 55, 'all 55 at HubSpot', 30_000);
    await page.locator('#dead-rows tr', { hasText: 'many54@example.com' }).locator('td.status', { hasText: 'delivered' }).waitFor();
    await page.close();
  });
});

describe('operator console when HubSpot refuses the token', { timeout: 60_000 }, () => {
  it('when the token lacks the write scope, then the pause names the missing scope', async () => {
    const dir = tempDir();
    const readOnly = await startHubspotSimulator({ tokens: { 'read-only-token': { scopes: ['crm.objects.marketing_events.read'] } } });
    const refused = await spawnTestRelay(dir.dir, readOnly.url, {
      hubspot: { accessToken: 'read-only-token' },
      admin: { token: ADMIN_TOKEN },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }],
      events: [{ source: 'zoom', sourceEventId: '111', hubspot: { objectId: '1' } }],
    });
    const page = await browser.context.newPage();
    try {
      const body = JSON.stringify(registrationEvent('created', '111', { email: 'scope@example.com' }));
      const res = await request(`${refused.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
      await res.body.dump();
      page.setDefaultTimeout(20_000);
      await page.goto(`${refused.url}/console`);
      await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Paused: HubSpot refused the token — missing scope ${WRITE_SCOPE}`).waitFor();
    } finally {
      await page.close();
      killRelay(refused);
      await readOnly.close();
      dir.remove();
    }
  });
});

describe('operator console without an admin token', { timeout: 60_000 }, () => {
  it('when admin.token is not set, then GET /console is 404', async () => {
    const dir = tempDir();
    const bare = await spawnTestRelay(dir.dir, hubspot.url, {});
    try {
      const res = await request(`${bare.url}/console`);
      expect(res.statusCode).toBe(404);
      await res.body.dump();
    } finally {
      killRelay(bare);
      dir.remove();
    }
  });
});
