import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const OAUTH = { clientId: 'client-1', clientSecret: '${SECRET}', refreshToken: '${REFRESH}' };
const ENV = { SECRET: 'client-secret-value', REFRESH: 'refresh-token-value' };

function problems(raw: unknown, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parseConfig(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('hubspot credentials and API version in the configuration', () => {
  it('when nothing is said then the API version is v3 and the relay runs in the sandbox', () => {
    const config = parseConfig({}, {});
    expect(config.hubspot.apiVersion).toBe('v3');
    expect(config.sandbox).toBe(true);
  });

  it('when oauth is set then the token URL defaults to HubSpot, the secrets come from the environment and it is not the sandbox', () => {
    const config = parseConfig({ hubspot: { oauth: OAUTH, apiVersion: '2026-09' } }, ENV);
    expect(config.hubspot.oauth).toEqual({
      clientId: 'client-1',
      clientSecret: 'client-secret-value',
      refreshToken: 'refresh-token-value',
      tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    });
    expect(config.hubspot.apiVersion).toBe('2026-09');
    expect(config.sandbox).toBe(false);
  });

  it('when both accessToken and oauth are set then one problem names both keys', () => {
    const found = problems({ hubspot: { accessToken: 'pat-1', oauth: OAUTH } });
    expect(found).toEqual([expect.stringMatching(/^hubspot\.accessToken and hubspot\.oauth: set one, not both/)]);
  });

  it('when HUBSPOT_ACCESS_TOKEN is set next to an oauth section then that is the same conflict', () => {
    expect(problems({ hubspot: { oauth: OAUTH } }, { ...ENV, HUBSPOT_ACCESS_TOKEN: 'pat-env' })).toEqual([
      expect.stringContaining('hubspot.accessToken and hubspot.oauth'),
    ]);
  });

  it('when production runs with oauth and no token then that is enough', () => {
    expect(problems({ hubspot: { oauth: OAUTH } }, { ...ENV, NODE_ENV: 'production' })).toEqual([]);
    expect(problems({}, { NODE_ENV: 'production' })).toEqual([expect.stringContaining('or hubspot.oauth')]);
  });

  it('when an oauth key is missing, unknown or a plain-http token URL is used in production then each is named', () => {
    expect(problems({ hubspot: { oauth: { clientId: 'c', clientSecret: 's' } } })).toEqual([
      expect.stringContaining('hubspot.oauth.refreshToken'),
    ]);
    expect(problems({ hubspot: { oauth: { ...OAUTH, scope: 'x' } } })).toEqual([
      expect.stringContaining('hubspot.oauth.scope: unknown key'),
    ]);
    expect(
      problems({ hubspot: { oauth: { ...OAUTH, tokenUrl: 'http://tokens.example.com/t' } } }, { ...ENV, NODE_ENV: 'production' }),
    ).toEqual([expect.stringContaining('hubspot.oauth.tokenUrl: plain http to tokens.example.com')]);
  });

  it.each(['v3', '2026-03', '2026-09', '2027-03'])('when apiVersion is %s then it is taken', (version) => {
    expect(parseConfig({ hubspot: { apiVersion: version } }, {}).hubspot.apiVersion).toBe(version);
  });

  it.each(['v4', '2026-06', '2026-9', 'latest'])('when apiVersion is %s then it is refused by name', (version) => {
    expect(problems({ hubspot: { apiVersion: version } }, {})).toEqual([expect.stringContaining('hubspot.apiVersion')]);
  });
});
