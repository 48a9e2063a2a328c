import { request } from 'undici';
import type { AttendanceRow, Fault, RecordedRequest } from '../../dev/hubspot-simulator/types.js';
import { waitFor } from '../support/wait.js';
import { docker, getJson, publishedUrl, RELAY_IMAGE, ROOT, SIMULATOR_IMAGE, type Resources } from './docker.js';

export const ZOOM_SECRET = 'container-check-zoom-secret';

/** The HubSpot simulator image on `network`, reachable there as http://hubspot-simulator:4010 (as in the compose demo). */
export async function startSimulator(resources: Resources, network: string): Promise<Simulator> {
  const id = await resources.run(resources.name('hubspot'), [
    '--network',
    network,
    '--network-alias',
    'hubspot-simulator',
    '-p',
    '127.0.0.1::4010',
    // These checks map events by external id without createEvents: the simulator takes every external
    // id, as in the compose demo (by default it answers 404 for events the app never created, as HubSpot does).
    '-e',
    'HUBSPOT_SIM_EXTERNAL_EVENTS=any',
    SIMULATOR_IMAGE,
  ]);
  const simulator = new Simulator(await publishedUrl(id, 4010));
  await simulator.waitListening();
  return simulator;
}

/** Its control API (/_simulator/…), from the host through the published port. */
export class Simulator {
  constructor(readonly url: string) {}

  async waitListening(): Promise<void> {
    await waitFor(() => this.requests().then(() => true), 'the HubSpot simulator to listen', 30_000, 100);
  }

  requests = async () => (await getJson<RecordedRequest[]>(`${this.url}/_simulator/requests`)).body;
  attendance = async () => (await getJson<AttendanceRow[]>(`${this.url}/_simulator/attendance`)).body;

  async inject(fault: Fault): Promise<void> {
    const res = await request(`${this.url}/_simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    if (res.statusCode !== 200) throw new Error(`fault refused: ${await res.body.text()}`);
    await res.body.dump();
  }
}

/**
 * The relay image as the k8s manifest runs it (read-only root, no capabilities, no privilege
 * escalation), with the compose demo's docker/relay.yaml; `options` give /data its storage (and
 * whatever else `docker run` should get).
 */
export async function startRelay(resources: Resources, network: string, options: string[]): Promise<{ id: string; url: string }> {
  const id = await resources.run(resources.name('relay'), [
    '--network',
    network,
    '--read-only',
    '--tmpfs',
    '/tmp',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    ...options,
    '-v',
    `${ROOT}/docker/relay.yaml:/config/relay.yaml:ro`,
    '-e',
    'CONFIG_FILE=/config/relay.yaml',
    '-e',
    'HUBSPOT_BASE_URL=http://hubspot-simulator:4010',
    '-e',
    'HUBSPOT_ACCESS_TOKEN=sim-token',
    '-e',
    `ZOOM_WEBHOOK_SECRET_TOKEN=${ZOOM_SECRET}`,
    '-p',
    '127.0.0.1::3000',
    RELAY_IMAGE,
  ]);
  return { id, url: await publishedUrl(id, 3000) };
}

/** A restarted container gets a new host port. */
export async function restart(id: string): Promise<string> {
  await docker('start', id);
  return publishedUrl(id, 3000);
}

/** `${eventKey} ${state} ${email}` for each input HubSpot received, in arrival order. */
export const deliveries = (rows: AttendanceRow[]) => rows.map((r) => `${r.eventKey} ${r.state} ${r.email}`);
