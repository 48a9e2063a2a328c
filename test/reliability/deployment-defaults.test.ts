import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { freshSchema, postgresUrl } from '../support/postgres.js';
import { MAIN_JS, spawnRelay, writeConfig } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

// Issue 12, item 10: docker/relay.yaml sent HubSpot's token over plain http by default, the
// Kubernetes Deployment ran with the default seccomp profile off and a service account token
// mounted, and the sandbox banner printed the store URL with its password.
const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');
let temp: ReturnType<typeof tempDir>;

beforeEach(() => {
  temp = tempDir();
});

afterEach(() => {
  temp.remove();
});

function serve(hubspot: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const file = writeConfig(temp.dir, {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${temp.dir}/relay.db` },
    hubspot: { accessToken: 'a-real-looking-hubspot-token', ...hubspot },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: 'deploy-zoom-secret-0123' }],
  });
  return spawnSync(process.execPath, [MAIN_JS, 'serve', '--config', file], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('HubSpot over plain http', () => {
  it('when NODE_ENV=production and HubSpot is plain http to a host that is neither loopback nor allowed, then the relay exits 78 saying why', () => {
    const run = serve({ baseUrl: 'http://hubspot-proxy.internal:8080' }, { NODE_ENV: 'production' });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('hubspot.baseUrl: plain http to hubspot-proxy.internal would send the access token in clear text');
    const hubspotItself = serve({ baseUrl: 'http://api.hubapi.com', allowHttpHosts: ['api.hubapi.com'] }, { NODE_ENV: 'production' });
    expect(hubspotItself.status).toBe(78);
  });

  it('when the host is listed in hubspot.allowHttpHosts, or loopback, or NODE_ENV is not production, then it is accepted', () => {
    const accepts = (hubspot: Record<string, unknown>, env: NodeJS.ProcessEnv) =>
      parseConfig({ hubspot: { accessToken: 'a-real-looking-hubspot-token', ...hubspot } }, env).hubspot.baseUrl;
    expect(accepts({ baseUrl: 'http://hubspot-simulator:4010', allowHttpHosts: ['hubspot-simulator'] }, { NODE_ENV: 'production' })).toBe(
      'http://hubspot-simulator:4010',
    );
    expect(accepts({ baseUrl: 'http://127.0.0.1:4010' }, { NODE_ENV: 'production' })).toBe('http://127.0.0.1:4010');
    expect(accepts({ baseUrl: 'http://hubspot-proxy.internal:8080' }, {})).toBe('http://hubspot-proxy.internal:8080');
  });

  it('when docker/relay.yaml is used without HUBSPOT_BASE_URL, then HubSpot is its real https API', () => {
    const config = parseConfig(parse(read('docker/relay.yaml')), {
      HUBSPOT_ACCESS_TOKEN: 'a-real-looking-hubspot-token',
      ZOOM_WEBHOOK_SECRET_TOKEN: 'deploy-zoom-secret-0123',
      NODE_ENV: 'production',
    });
    expect(config.hubspot.baseUrl).toBe('https://api.hubapi.com');
  });
});

describe('the Kubernetes example', () => {
  interface PodSpec {
    automountServiceAccountToken?: boolean;
    securityContext?: { seccompProfile?: { type: string } };
  }
  const docs = parseAllDocuments(read('docker/k8s/deployment.yaml')).map(
    (d) => d.toJS() as { kind: string; spec: { template: { spec: PodSpec } } },
  );

  it('when read, then the pod runs with the RuntimeDefault seccomp profile, without a service account token, and a NetworkPolicy is part of the kustomization', () => {
    const pod = docs.find((d) => d.kind === 'Deployment')?.spec.template.spec;
    expect(pod?.securityContext?.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod?.automountServiceAccountToken).toBe(false);
    const kustomization = parse(read('docker/k8s/kustomization.yaml')) as { resources: string[] };
    expect(kustomization.resources).toContain('networkpolicy.yaml');
    const policy = parse(read('docker/k8s/networkpolicy.yaml')) as { kind: string; spec: { podSelector: unknown; policyTypes: string[] } };
    expect(policy.kind).toBe('NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });
});

const base = postgresUrl();

describe.skipIf(!base)('the sandbox banner', () => {
  it('when the sandbox runs on a store URL with a password, then the banner shows the store without it', async () => {
    const schema = await freshSchema(base as string);
    const url = new URL(schema.url);
    url.password = 'banner-password-never-printed';
    const relay = await spawnRelay(['serve'], {
      env: { STORE_URL: url.toString(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
      cwd: temp.dir,
    });
    try {
      const banner = await waitFor(() => relay.stderr.join('').includes('SANDBOX MODE') && relay.stderr.join(''), 'the sandbox banner');
      expect(banner).toContain('Store: postgres');
      expect(banner).not.toContain('banner-password-never-printed');
      expect(banner).toContain(':***@');
    } finally {
      relay.child.kill('SIGTERM');
      await relay.exited;
      await schema.drop();
    }
  });
});
