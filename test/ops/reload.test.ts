import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { RelayConfig } from '../../src/config/schema.js';
import { applyReload } from '../../src/ops/reload.js';

const ENV = { ZOOM_SECRET: 'zoom-token-0123456789' };
const WEBINAR = { source: 'zoom', sourceEventId: '9001', hubspot: { objectId: '123' } };

/** A relay configuration as the loader makes it, with `change` laid over the base document. */
function config(change: Record<string, unknown> = {}): RelayConfig {
  return parseConfig(
    {
      sources: [{ id: 'zoom', type: 'zoom', secretToken: '${ZOOM_SECRET}' }],
      hubspot: { accessToken: 'pat-old' },
      events: [WEBINAR],
      ...change,
    },
    ENV,
  );
}

/**
 * Reload targets that remember what they were given; new mappings map `mapped` records; new source
 * settings are taken when the source ids are the same (as the ingest stage does).
 */
function targets(mapped = 0) {
  const given = { events: [] as RelayConfig['events'][], tokens: [] as string[], sources: [] as RelayConfig['sources'][] };
  const ids = (sources: RelayConfig['sources']) => sources.map((s) => s.id).join();
  return {
    given,
    targets: {
      events: async (events: RelayConfig['events']) => {
        given.events.push(events);
        return mapped;
      },
      accessToken: (token: string) => void given.tokens.push(token),
      sources: (sources: RelayConfig['sources']) => {
        if (ids(sources) !== ids(config().sources)) return false;
        given.sources.push(sources);
        return true;
      },
    },
  };
}

describe('applyReload', () => {
  it.each([
    ['nothing changed', {}, [], []],
    ['a mapping was added', { events: [WEBINAR, { ...WEBINAR, sourceEventId: '9002' }] }, ['events'], []],
    ['the HubSpot token was replaced', { hubspot: { accessToken: 'pat-new' } }, ['hubspot.accessToken'], []],
    ['the token was removed from the file', { hubspot: {} }, [], []],
    ['the batch size changed', { hubspot: { accessToken: 'pat-old', batchSize: 50 } }, [], ['hubspot']],
    ['the token and the batch size changed', { hubspot: { accessToken: 'pat-new', batchSize: 50 } }, ['hubspot.accessToken'], ['hubspot']],
    ['the log level changed', { logging: { level: 'debug' } }, [], ['logging']],
    [
      'a source was added',
      {
        sources: [
          { id: 'zoom', type: 'zoom', secretToken: '${ZOOM_SECRET}' },
          { id: 'zoom2', type: 'zoom', secretToken: '${ZOOM_SECRET}' },
        ],
      },
      [],
      ['sources'],
    ],
    ["a source's secret changed", { sources: [{ id: 'zoom', type: 'zoom', secretToken: 'zoom-token-new-0123456789' }] }, ['sources'], []],
  ])('when %s then the reload applies %j and names %j as needing a restart', async (_what, change, applied, needsRestart) => {
    const { targets: to } = targets();
    const { result } = await applyReload(config(), config(change), to);
    expect(result.applied).toEqual(applied);
    expect(result.needsRestart).toEqual(needsRestart);
  });

  it('when mappings change then the new ones are handed over, the records they map are counted, and the running config keeps them', async () => {
    const { given, targets: to } = targets(7);
    const events = [{ ...WEBINAR, hubspot: { objectId: '456' } }];
    const { result, config: running } = await applyReload(config(), config({ events }), to);
    expect(given.events).toEqual([events]);
    expect(result.mapped).toBe(7);
    expect(running.events).toEqual(events);
  });

  it('when the token changes along with settings needing a restart then only the token is taken on now', async () => {
    const { given, targets: to } = targets();
    const before = config();
    const { config: running } = await applyReload(
      before,
      config({ hubspot: { accessToken: 'pat-new', batchSize: 50 }, logging: { level: 'debug' } }),
      to,
    );
    expect(given.tokens).toEqual(['pat-new']);
    expect(running.hubspot).toEqual({ ...before.hubspot, accessToken: 'pat-new' });
    expect(running.logging).toEqual(before.logging);
  });

  it('when a source keeps its id but its settings change then they are handed over and the running config keeps them', async () => {
    const { given, targets: to } = targets();
    const next = config({ sources: [{ id: 'zoom', type: 'zoom', secretToken: 'zoom-token-new-0123456789' }] });
    const { config: running } = await applyReload(config(), next, to);
    expect(given.sources).toEqual([next.sources]);
    expect(running.sources).toEqual(next.sources);
  });

  it('when the token is removed from the file then the running token stays and nothing is handed over', async () => {
    const { given, targets: to } = targets();
    const { config: running } = await applyReload(config(), config({ hubspot: {} }), to);
    expect(given.tokens).toEqual([]);
    expect(running.hubspot.accessToken).toBe('pat-old');
  });
});
