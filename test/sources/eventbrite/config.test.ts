import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, parseConfig } from '../../../src/config/load.js';
import { createSources } from '../../../src/sources/registry.js';

/** The configuration of the issue, as an organizer writes it. */
const YAML = `
sources:
  - id: eventbrite
    type: eventbrite
    webhookToken: "\${EVENTBRITE_WEBHOOK_TOKEN}"
    apiToken: "\${EVENTBRITE_API_TOKEN}"
    apiBaseUrl: https://www.eventbriteapi.com/v3
events:
  - { source: eventbrite, sourceEventId: "717926867587", hubspot: { objectId: "5123456" } }
`;
const ENV = { EVENTBRITE_WEBHOOK_TOKEN: 'a-long-enough-webhook-token', EVENTBRITE_API_TOKEN: 'PRIVATETOKEN' };

function problems(doc: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parseConfig(parse(doc), env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Eventbrite source configuration', () => {
  it('when the documented YAML is loaded, then the tokens come from the environment and the limits default to Eventbrite’s', () => {
    const config = parseConfig(parse(YAML), ENV);
    expect(config.sources).toEqual([
      {
        id: 'eventbrite',
        type: 'eventbrite',
        webhookToken: 'a-long-enough-webhook-token',
        apiToken: 'PRIVATETOKEN',
        apiBaseUrl: 'https://www.eventbriteapi.com/v3',
        requestsPerHour: 2000,
        requestsPerDay: 48_000,
        requestTimeoutMs: 10_000,
        eventCacheMinutes: 60,
        bodyLimitBytes: 65_536,
      },
    ]);
    expect(createSources(config.sources).get('eventbrite')?.type).toBe('eventbrite');
  });

  it('when apiBaseUrl is left out, then it is Eventbrite’s API', () => {
    const config = parseConfig(parse(YAML.replace('    apiBaseUrl: https://www.eventbriteapi.com/v3\n', '')), ENV);
    expect(config.sources[0]).toMatchObject({ apiBaseUrl: 'https://www.eventbriteapi.com/v3' });
  });

  it('when the webhook token is unset or short, then the problem names sources[0].webhookToken (and the variable)', () => {
    expect(problems(YAML, { EVENTBRITE_API_TOKEN: 'x' }).join('\n')).toMatch(/sources\[0\]\.webhookToken.*EVENTBRITE_WEBHOOK_TOKEN/);
    expect(problems(YAML, { ...ENV, EVENTBRITE_WEBHOOK_TOKEN: 'short' }).join('\n')).toContain('sources[0].webhookToken');
  });

  it.each([
    'ftp://www.eventbriteapi.com/v3',
    'www.eventbriteapi.com/v3',
    'https://user@www.eventbriteapi.com/v3',
    'https://www.eventbriteapi.com/v3?x=1',
  ])('when apiBaseUrl is %s, then the problem names sources[0].apiBaseUrl', (url) => {
    expect(problems(YAML.replace('https://www.eventbriteapi.com/v3', url)).join('\n')).toContain('sources[0].apiBaseUrl');
  });

  it('when a key is misspelled, then it is reported as unknown', () => {
    expect(problems(YAML.replace('apiToken:', 'apiTokn:'))).toEqual(
      expect.arrayContaining(['sources[0].apiTokn: unknown key', 'sources[0].apiToken: is required']),
    );
  });
});
