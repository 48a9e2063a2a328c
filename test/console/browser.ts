import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from '../support/temp.js';

/** Debian's chromium package (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, offline, unprivileged headless run: nothing phones home, nothing updates. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface Browser {
  context: BrowserContext;
  /** Every URL the browser requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Headless Chromium on a new, empty profile, at 1280 px wide (the width the console must fit). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const profile = tempDir('relay-console-profile-');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  const requests: string[] = [];
  context.on('request', (request) => void requests.push(request.url()));
  return {
    context,
    requests,
    async close() {
      await context.close();
      profile.remove();
    },
  };
}
