/**
 * Runs the HubSpot simulator as its own process:
 *   node dist/dev/hubspot-simulator/main.js --port 4010 --token sim-token
 * Prints one JSON line once listening, so a parent process knows the URL; exits 0 on SIGTERM/SIGINT.
 */
import { CLI_USAGE, simulatorOptionsFromCli } from './cli-options.js';
import { startHubspotSimulator } from './index.js';

let options;
try {
  options = simulatorOptionsFromCli(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${CLI_USAGE}\n`);
  process.exit(2);
}

const simulator = await startHubspotSimulator(options);
process.stdout.write(`${JSON.stringify({ hubspotSimulator: 'listening', url: simulator.url })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await simulator.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
