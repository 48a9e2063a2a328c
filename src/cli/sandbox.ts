import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RelayConfig } from '../config/schema.js';
import { DEFAULT_WEBHOOK_BODY_LIMIT } from '../sources/common-config.js';
import { sqlitePath } from '../store/sqlite/index.js';

export const SANDBOX_SOURCE_ID = 'zoom';
export const SANDBOX_ACCOUNT_ID = 'sandbox';

/** Where the sandbox keeps its Zoom secret, next to the embedded store. */
export function sandboxSecretFile(storeUrl: string): string {
  const base = storeUrl.startsWith('sqlite:') && sqlitePath(storeUrl) !== ':memory:' ? dirname(sqlitePath(storeUrl)) : 'data';
  return join(base, 'sandbox-zoom-secret');
}

/** The sandbox Zoom secret: made once, then reused so a restarted sandbox keeps its address and secret. */
export function sandboxSecret(storeUrl: string): string {
  const file = sandboxSecretFile(storeUrl);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(24).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** With no config file: one Zoom source, every event mapped to HubSpot by external id. */
export function withSandboxSources(config: RelayConfig): RelayConfig {
  if (config.sources.length > 0) return config;
  const secretToken = sandboxSecret(config.store.url);
  return {
    ...config,
    sources: [
      {
        id: SANDBOX_SOURCE_ID,
        type: 'zoom',
        secretToken,
        timestampToleranceSeconds: 5400,
        sessionTimeoutHours: 12,
        bodyLimitBytes: DEFAULT_WEBHOOK_BODY_LIMIT,
      },
    ],
    events: [{ source: SANDBOX_SOURCE_ID, sourceEventId: '*', hubspot: { externalAccountId: SANDBOX_ACCOUNT_ID } }],
  };
}

export interface SandboxHubspot {
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * Starts the HubSpot simulator in this process (from dist/dev/hubspot-simulator in a source checkout).
 * Imported only here and only when used: the container image leaves the simulator out and, with
 * NODE_ENV=production, refuses to start without a HubSpot token, so this is never reached there.
 */
export async function startSandboxHubspot(): Promise<SandboxHubspot> {
  const simulatorModule = '../../dev/hubspot-simulator/index.js';
  const { startHubspotSimulator, DEFAULT_TOKEN } = (await import(simulatorModule)) as typeof import('../../dev/hubspot-simulator/index.js');
  // The sandbox's wildcard mapping names events nobody created (no createEvents): taken as they come.
  const simulator = await startHubspotSimulator({ host: '127.0.0.1', port: 0, externalEvents: 'any' });
  return { url: simulator.url, token: DEFAULT_TOKEN, close: () => simulator.close() };
}

/** A store URL fit to print: its password, if any, replaced by ***. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export function sandboxBanner(config: RelayConfig, hubspotUrl: string, port: number): string {
  const zoom = config.sources.find((s) => s.type === 'zoom');
  const lines = [
    'SANDBOX MODE: no HubSpot access token is set.',
    `Deliveries go to the built-in HubSpot simulator at ${hubspotUrl}, not to HubSpot.`,
    `Store: ${withoutPassword(config.store.url)}`,
    zoom ? `Zoom webhooks: POST http://localhost:${port}/webhooks/${zoom.id}` : '',
    zoom && config.sources.length === 1 && zoom.id === SANDBOX_SOURCE_ID ? `Zoom secret token: ${zoom.secretToken}` : '',
    'Send a signed sample: npm run sample',
    'For real deliveries set HUBSPOT_ACCESS_TOKEN (NODE_ENV=production requires it).',
  ].filter(Boolean);
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '#'.repeat(width + 4);
  return [bar, ...lines.map((l) => `# ${l.padEnd(width)} #`), bar].join('\n');
}
