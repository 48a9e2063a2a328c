import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { MAIN_JS, spawnRelay, writeConfig } from '../support/process.js';
import { tempDir } from '../support/temp.js';

// Issue 12, item 7: weak secrets were accepted (a one-byte Standard Webhooks key was forged in at
// most 256 tries; one-character HMAC and Livestorm secrets; 8-character bearer tokens), and so were
// the placeholder values this repository publishes.
const ROOT = resolve(import.meta.dirname, '../..');
const GOOD_HMAC = 'a-shared-secret-0123';
let temp: ReturnType<typeof tempDir>;
let hubspot: HubspotSimulator;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
});

afterEach(async () => {
  await hubspot.close();
  temp.remove();
});

/** Runs `serve` with `config` until it exits (a refused configuration exits at once, status 78). */
function serve(config: Record<string, unknown> | string, env: NodeJS.ProcessEnv = {}) {
  const file =
    typeof config === 'string'
      ? config
      : writeConfig(temp.dir, { server: { host: '127.0.0.1', port: 0 }, store: { url: `sqlite:${temp.dir}/relay.db` }, ...config });
  const run = spawnSync(process.execPath, [MAIN_JS, 'serve', '--config', file], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { status: run.status, stderr: run.stderr };
}

const generic = (verify: Record<string, unknown>) => ({
  id: 'checkin-app',
  type: 'generic',
  verify,
  map: { eventType: 'type', states: { in: 'attend' }, email: 'email', occurredAt: 'at', sourceEventId: 'event' },
});

describe('weak secrets are refused at start-up', () => {
  it('when secrets are short or not strict base64, then the relay exits 78 naming each key, and never echoes a secret', () => {
    const { status, stderr } = serve({
      hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token' },
      admin: { token: 'admin-short' },
      intake: { tokens: ['intake-short'] },
      sources: [
        { id: 'zoom', type: 'zoom', secretToken: 'zoom-short' },
        { ...generic({ scheme: 'standard-webhooks', secret: 'whsec_AQ==' }), id: 'one-byte-key' },
        { ...generic({ scheme: 'standard-webhooks', secret: 'whsec_not*base64*at*all*but*long*enough' }), id: 'not-base64' },
        { ...generic({ scheme: 'hmac-sha256', secret: 'h', header: 'X-Signature' }), id: 'hmac' },
        { ...generic({ scheme: 'bearer', token: 'bearer08' }), id: 'bearer' },
        { id: 'livestorm', type: 'livestorm', secret: 'l' },
        { id: 'tito', type: 'tito', secret: 't' },
        { id: 'eventbrite', type: 'eventbrite', webhookToken: 'eb-short', apiToken: 'x' },
        { ...generic({ scheme: 'standard-webhooks', secret: `whsec_${Buffer.alloc(9, 7).toString('base64')}` }), id: 'nine-byte-key' },
      ],
    });
    expect(status).toBe(78);
    for (const key of [
      'admin.token',
      'intake.tokens[0]',
      'sources[0].secretToken',
      'sources[1].verify.secret',
      'sources[3].verify.secret',
      'sources[4].verify.token',
      'sources[5].secret',
      'sources[6].secret',
      'sources[7].webhookToken',
    ]) {
      expect(stderr).toMatch(new RegExp(`${key.replace(/[.[\]]/g, '\\$&')}: must not have fewer than 16 characters`));
    }
    expect(stderr).toContain('sources[8].verify.secret: must decode to at least 24 bytes (it decodes to 9)');
    expect(stderr).toContain('sources[2].verify.secret: must be the signing secret: base64, optionally after whsec_');
    for (const secret of ['zoom-short', 'bearer08', 'admin-short', 'intake-short', 'eb-short']) expect(stderr).not.toContain(secret);
  });

  it('when long enough secrets are given, then the same sources start', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: 'sim-token' },
      sources: [
        { id: 'zoom', type: 'zoom', secretToken: GOOD_HMAC },
        { ...generic({ scheme: 'standard-webhooks', secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}` }), id: 'standard' },
        { ...generic({ scheme: 'hmac-sha256', secret: GOOD_HMAC, header: 'X-Signature' }), id: 'hmac' },
        { ...generic({ scheme: 'bearer', token: GOOD_HMAC }), id: 'bearer' },
      ],
    });
    const relay = await spawnRelay(['serve', '--config', file]);
    relay.child.kill('SIGTERM');
    expect((await relay.exited).code).toBe(0);
  });
});

describe('the values this repository publishes are refused, saying where they come from', () => {
  const k8sSecret = (parse(readFileSync(resolve(ROOT, 'docker/k8s/secret.yaml'), 'utf8')) as { stringData: Record<string, string> })
    .stringData;
  const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: { relay: { environment: Record<string, string> } };
  };
  const composeEnv = compose.services.relay.environment;
  const relayYaml = resolve(ROOT, 'docker/relay.yaml');

  it('when the Kubernetes Secret’s placeholders are used as they are, then the relay exits 78 naming docker/k8s/secret.yaml for each', () => {
    const { status, stderr } = serve(relayYaml, { ...k8sSecret, NODE_ENV: 'production' });
    expect(status).toBe(78);
    for (const key of ['hubspot.accessToken', 'store.url', 'sources[0].secretToken', 'admin.token']) {
      expect(stderr).toContain(`${key}: is the placeholder published in docker/k8s/secret.yaml`);
    }
  });

  it('when the compose demo’s values are pointed at HubSpot itself (https), then they are refused as demo values', () => {
    const { HUBSPOT_BASE_URL: _simulator, CONFIG_FILE: _file, ...env } = composeEnv;
    const { status, stderr } = serve(relayYaml, { ...env, NODE_ENV: 'production' });
    expect(status).toBe(78);
    for (const key of ['store.url', 'sources[0].secretToken', 'admin.token']) {
      expect(stderr).toContain(
        `${key}: is the placeholder published in docker-compose.yml (the demo) and is accepted only while HubSpot is a simulator reached over plain http`,
      );
    }
  });

  it('when the compose demo runs as published (its simulator over plain http), then its values are accepted', async () => {
    const { CONFIG_FILE: _file, STORE_URL: _postgres, ...env } = composeEnv;
    // The demo's own network is not here: the same values, with the simulator on loopback and SQLite.
    const relay = await spawnRelay(['serve', '--config', relayYaml], {
      env: {
        ...env,
        HUBSPOT_BASE_URL: hubspot.url,
        STORE_URL: `sqlite:${temp.dir}/demo.db`,
        HOST: '127.0.0.1',
        PORT: '0',
        NODE_ENV: 'production',
      },
    });
    relay.child.kill('SIGTERM');
    expect((await relay.exited).code).toBe(0);
  });
});
