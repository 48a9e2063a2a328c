import { parseArgs } from 'node:util';
import { WRITE_SCOPE, type HubspotSimulatorOptions } from './types.js';

export const CLI_USAGE = `usage: main.js [--port 4010] [--host 127.0.0.1] [--token sim-token ...]
               [--rate-max 100] [--rate-interval-ms 10000] [--daily-limit 250000] [--logger]
               [--external-events created-only|any]
env: HUBSPOT_SIM_PORT, HUBSPOT_SIM_HOST, HUBSPOT_SIM_TOKEN (comma-separated), HUBSPOT_SIM_EXTERNAL_EVENTS; flags win over env`;

/**
 * Options for the standalone simulator from its command line and environment. Tokens given
 * here get the attendance write scope. Kept apart from main.ts so it can be tested in-process.
 */
export function simulatorOptionsFromCli(argv: readonly string[], env: NodeJS.ProcessEnv): HubspotSimulatorOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string', multiple: true },
      'rate-max': { type: 'string' },
      'rate-interval-ms': { type: 'string' },
      'daily-limit': { type: 'string' },
      'external-events': { type: 'string' },
      logger: { type: 'boolean' },
    },
  });
  const options: HubspotSimulatorOptions = {};
  const port = values.port ?? env.HUBSPOT_SIM_PORT;
  if (port !== undefined) options.port = wholeNumber('port', port, 0);
  const host = values.host ?? env.HUBSPOT_SIM_HOST;
  if (host !== undefined) options.host = host;

  const tokens = values.token ?? env.HUBSPOT_SIM_TOKEN?.split(',').map((token) => token.trim());
  const usable = tokens?.filter((token) => token !== '') ?? [];
  if (usable.length > 0) {
    options.tokens = Object.fromEntries(usable.map((token) => [token, { scopes: [WRITE_SCOPE] }]));
  }

  const rateMax = values['rate-max'];
  const rateInterval = values['rate-interval-ms'];
  if (rateMax !== undefined || rateInterval !== undefined) {
    options.rateLimit = {
      max: rateMax === undefined ? 100 : wholeNumber('rate-max', rateMax, 1),
      intervalMs: rateInterval === undefined ? 10_000 : wholeNumber('rate-interval-ms', rateInterval, 1),
    };
  }
  const dailyLimit = values['daily-limit'];
  if (dailyLimit !== undefined) options.dailyLimit = wholeNumber('daily-limit', dailyLimit, 1);
  if (values.logger === true) options.logger = true;
  const externalEvents = values['external-events'] ?? env.HUBSPOT_SIM_EXTERNAL_EVENTS;
  if (externalEvents !== undefined) {
    if (externalEvents !== 'any' && externalEvents !== 'created-only') {
      throw new RangeError(`--external-events must be any or created-only, got ${JSON.stringify(externalEvents)}`);
    }
    options.externalEvents = externalEvents;
  }
  return options;
}

function wholeNumber(name: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < minimum) {
    throw new RangeError(`--${name} must be a whole number >= ${minimum}, got ${JSON.stringify(text)}`);
  }
  return value;
}
