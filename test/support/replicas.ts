import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { freshSchema, postgresUrl, type TestSchema } from './postgres.js';
import { spawnRelay, writeConfig, type RelayProcess } from './process.js';
import { tempDir } from './temp.js';
import { zoomHeaders } from './zoom.js';

/**
 * Relay processes sharing one store, for the reliability tests that freeze (SIGSTOP), thaw
 * (SIGCONT) and kill them. Every test here stays bounded: waits go through waitFor.
 */
export interface Replica extends RelayProcess {
  name: string;
}

export const ADMIN_TOKEN = 'replica-admin-token-0123456789';

/** A replica's configuration: one store, the simulated HubSpot, logs at info (tests read them). */
export function replicaConfig(options: {
  storeUrl: string;
  hubspotUrl: string;
  sources: Array<Record<string, unknown>>;
  events: Array<Record<string, unknown>>;
  hubspot?: Record<string, unknown>;
  store?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: options.storeUrl, ...options.store },
    hubspot: { baseUrl: options.hubspotUrl, accessToken: 'sim-token', batchWaitMs: 20, ...options.hubspot },
    admin: { token: ADMIN_TOKEN },
    logging: { level: 'info', maskEmails: false },
    sources: options.sources,
    events: options.events,
  };
}

export async function startReplica(dir: string, name: string, config: Record<string, unknown>): Promise<Replica> {
  const file = writeConfig(dir, config, `${name}.yaml`);
  return Object.assign(await spawnRelay(['serve', '--config', file]), { name });
}

/** Posts a signed Zoom webhook; answers the HTTP status. */
export async function postZoom(replica: RelayProcess, sourceId: string, secret: string, event: unknown): Promise<number> {
  const body = JSON.stringify(event);
  const res = await request(`${replica.url}/webhooks/${sourceId}`, { method: 'POST', headers: zoomHeaders(secret, body), body });
  await res.body.dump();
  return res.statusCode;
}

/** GET with the admin token; the parsed JSON body. */
export async function adminGet<T>(replica: RelayProcess, path: string): Promise<T> {
  const res = await request(`${replica.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return (await res.body.json()) as T;
}

/** Whether a log line with this message was written. */
export const logged = (replica: RelayProcess, msg: string) => replica.logs.some((line) => line.msg === msg);

export const freeze = (replica: RelayProcess) => replica.child.kill('SIGSTOP');
export const thaw = (replica: RelayProcess) => replica.child.kill('SIGCONT');

/** Ends every replica still running (a frozen one too: SIGKILL reaches stopped processes). */
export async function killAll(replicas: RelayProcess[]): Promise<void> {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await Promise.all(replicas.map((r) => r.exited));
}

/** A PostgreSQL schema, a simulated HubSpot and a folder for a test file's replicas. */
export interface ReplicaWorld {
  /** False without a PostgreSQL (the tests then skip, or fail under CI=true). */
  readonly available: boolean;
  hubspot: HubspotSimulator;
  schema: TestSchema;
  dir: string;
  /** Starts a replica that is killed when the world is taken down. */
  start(name: string, config: Record<string, unknown>): Promise<Replica>;
}

/** Sets the world up before all the file's tests (or before each, with `each`), and takes it down after. */
export function replicaWorld({ each = false } = {}): ReplicaWorld {
  const base = postgresUrl();
  const replicas: Replica[] = [];
  let temp: ReturnType<typeof tempDir>;
  const world = {
    available: Boolean(base),
    async start(name: string, config: Record<string, unknown>) {
      const replica = await startReplica(world.dir, name, config);
      replicas.push(replica);
      return replica;
    },
  } as ReplicaWorld;
  (each ? beforeEach : beforeAll)(async () => {
    if (!base) return;
    temp = tempDir();
    world.dir = temp.dir;
    world.schema = await freshSchema(base);
    world.hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  });
  (each ? afterEach : afterAll)(async () => {
    if (!base) return;
    await killAll(replicas.splice(0));
    await world.hubspot.close();
    await world.schema.drop();
    temp.remove();
  });
  return world;
}
