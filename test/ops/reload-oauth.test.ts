import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { RelayConfig } from '../../src/config/schema.js';
import { applyReload, type ReloadTargets } from '../../src/ops/reload.js';

const OAUTH = { clientId: 'app-1', clientSecret: 'secret-1', refreshToken: 'refresh-1' };

function config(hubspot: Record<string, unknown>): RelayConfig {
  return parseConfig({ sources: [{ id: 'zoom', type: 'zoom', secretToken: 'zoom-token-0123456789' }], hubspot }, {});
}

function targets() {
  const given = { tokens: [] as string[], oauth: [] as unknown[] };
  const to: ReloadTargets = {
    events: async () => 0,
    accessToken: (token) => void given.tokens.push(token),
    oauth: (oauth) => void given.oauth.push(oauth),
    sources: () => true,
  };
  return { given, to };
}

describe('reloading HubSpot credentials', () => {
  it('when the refresh token in the file changes then the new oauth section is handed over without a restart', async () => {
    const { given, to } = targets();
    const next = config({ oauth: { ...OAUTH, refreshToken: 'refresh-2' } });
    const { result, config: running } = await applyReload(config({ oauth: OAUTH }), next, to);
    expect(result).toMatchObject({ applied: ['hubspot.oauth'], needsRestart: [] });
    expect(given.oauth).toEqual([next.hubspot.oauth]);
    expect(running.hubspot.oauth?.refreshToken).toBe('refresh-2');
  });

  it('when the file moves from a fixed token to oauth (or back) then the running config holds only the new credential', async () => {
    const { given, to } = targets();
    const toOAuth = await applyReload(config({ accessToken: 'pat-1' }), config({ oauth: OAUTH }), to);
    expect(toOAuth.config.hubspot).toMatchObject({ accessToken: undefined, oauth: expect.objectContaining(OAUTH) });
    const back = await applyReload(toOAuth.config, config({ accessToken: 'pat-2' }), to);
    expect(back.config.hubspot).toMatchObject({ accessToken: 'pat-2', oauth: undefined });
    expect(given.tokens).toEqual(['pat-2']);
    expect(given.oauth).toHaveLength(1);
  });

  it('when only the API version changes then a restart is needed for it', async () => {
    const { result } = await applyReload(config({ oauth: OAUTH }), config({ oauth: OAUTH, apiVersion: '2026-09' }), targets().to);
    expect(result).toMatchObject({ applied: [], needsRestart: ['hubspot'] });
  });
});
