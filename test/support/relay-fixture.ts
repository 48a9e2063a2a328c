import { afterAll, beforeAll } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { killRelay, spawnTestRelay, type RelayProcess } from './process.js';
import { startRelay, type TestRelay } from './relay.js';
import { tempDir } from './temp.js';

export interface RelayFixture {
  hubspot: HubspotSimulator;
  relay: RelayProcess;
  /** The relay's directory (its SQLite file is relay.db). */
  dir: string;
}

/**
 * For a test file: a HubSpot simulator and a relay process (relayConfig with `config` merged over
 * it) started before its tests and stopped after them. Read the fields inside tests or hooks.
 */
export function relayProcessForTests(config: Record<string, unknown>, options: { env?: NodeJS.ProcessEnv } = {}): RelayFixture {
  const fixture = {} as RelayFixture;
  let temp: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    temp = tempDir();
    fixture.dir = temp.dir;
    fixture.hubspot = await startHubspotSimulator({ externalEvents: 'any' });
    fixture.relay = await spawnTestRelay(temp.dir, fixture.hubspot.url, config, options);
  });
  afterAll(async () => {
    killRelay(fixture.relay);
    await fixture.hubspot?.close();
    temp?.remove();
  });
  return fixture;
}

export interface InProcessRelayFixture {
  hubspot: HubspotSimulator;
  relay: TestRelay;
  dir: string;
}

/** The same as relayProcessForTests, with the relay in this process (startRelay: its defaults, `config` merged over them). */
export function relayForTests(config: Record<string, unknown>): InProcessRelayFixture {
  const fixture = {} as InProcessRelayFixture;
  let temp: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    temp = tempDir();
    fixture.dir = temp.dir;
    fixture.hubspot = await startHubspotSimulator({ externalEvents: 'any' });
    fixture.relay = await startRelay({ dir: temp.dir, hubspotUrl: fixture.hubspot.url, config });
  });
  afterAll(async () => {
    await fixture.relay?.close();
    await fixture.hubspot?.close();
    temp?.remove();
  });
  return fixture;
}
