import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initCommand } from '../../src/cli/init/index.js';
import { renderConfig } from '../../src/cli/init/render.js';
import { loadConfig } from '../../src/config/load.js';
import { tempDir } from '../support/temp.js';

const temp = tempDir('relay-init-prompts-');
afterAll(() => temp.remove());

describe('init on a terminal', () => {
  it('asks for platforms (again after an unknown one), the token variable and the store; Enter keeps the flag', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let asked = '';
    output.on('data', (c: Buffer) => (asked += c.toString()));
    const out = join(temp.dir, 'asked.yaml');
    const lines: string[] = [];
    const done = initCommand(['--out', out, '--store', 'postgres'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      terminal: { input, output },
    });
    // Each answer once its question is on the terminal, as a person would type it.
    const answerWhen = async (question: RegExp, text: string) => {
      await expect.poll(() => question.test(asked)).toBe(true);
      asked = '';
      input.write(`${text}\n`);
    };
    await answerWhen(/Platforms \(.*\) \[zoom\]: $/, 'zoom,meetup');
    await answerWhen(/unknown: meetup\n.*Platforms/s, 'zoom,tito');
    await answerWhen(/HubSpot token \[HUBSPOT_ACCESS_TOKEN\]: $/, 'RELAY_HUBSPOT_TOKEN');
    await answerWhen(/Store \(sqlite or postgres\) \[postgres\]: $/, '');
    expect(await done).toBe(0);

    const config = loadConfig({
      file: out,
      env: {
        RELAY_HUBSPOT_TOKEN: 'a-token',
        ZOOM_WEBHOOK_SECRET_TOKEN: 'zoom-secret-token-of-32-chars-ok',
        TITO_WEBHOOK_SECRET: 'tito-secret-of-16-plus',
        RELAY_DATABASE_URL: 'postgres://u:p@db/relay',
      },
    });
    expect(config.sources.map((s) => s.id)).toEqual(['zoom', 'tito']);
    expect(config.hubspot.accessToken).toBe('a-token');
    expect(config.store.url).toBe('postgres://u:p@db/relay');
    expect(lines.join('\n')).toContain('RELAY_DATABASE_URL');
  });

  it('--yes asks nothing even on a terminal', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let asked = '';
    output.on('data', (c: Buffer) => (asked += c.toString()));
    const out = join(temp.dir, 'quiet.yaml');
    expect(await initCommand(['--yes', '--out', out], { out: () => undefined, err: () => undefined, terminal: { input, output } })).toBe(0);
    expect(asked).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('${ZOOM_WEBHOOK_SECRET_TOKEN}');
  });
});

describe("what init turns on for today's HubSpot", () => {
  it('when Zoom, Eventbrite and Tito are chosen, then the latest date version is written and createEvents on the Zoom and Eventbrite catch-all mappings only', () => {
    const doc = parse(
      renderConfig({ platforms: ['zoom', 'eventbrite', 'tito'], hubspotTokenEnv: 'HUBSPOT_ACCESS_TOKEN', store: 'sqlite' }),
    ) as {
      hubspot: { apiVersion?: string };
      events: Array<{ source: string; hubspot: { externalAccountId?: string; createEvents?: { eventOrganizer: string } } }>;
    };
    expect(doc.hubspot.apiVersion).toBe('2026-09');
    expect(doc.events.map((e) => [e.source, e.hubspot.createEvents !== undefined])).toEqual([
      ['zoom', true],
      ['eventbrite', true],
      ['tito', false],
    ]);
    expect(doc.events[0]?.hubspot).toEqual({ createEvents: { eventOrganizer: 'Your organization' } });
    expect(doc.events[2]?.hubspot).toEqual({ externalAccountId: 'tito' });
  });
});
