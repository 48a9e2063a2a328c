import { parseArgs } from 'node:util';
import { checkConfig } from './config-check.js';
import { checkMappedEvents, checkRateLimit } from './hubspot-events.js';
import { checkHubspotToken } from './hubspot-token.js';
import { checkEventbrite, checkSourceSecrets } from './sources.js';
import { checkStore } from './store.js';
import type { CheckGroup, CheckResult, DoctorContext } from './types.js';
import { checkWarnings } from './warnings.js';
import { checkZoomApi } from './zoom-api.js';

export const DOCTOR_USAGE = `Usage:
  attendance-relay doctor --config relay.yaml [--json] [--timeout-ms 10000]
Checks the set-up, one line per check: ✔ passed, ✗ failed (followed by the fix), ! warning.
Read-only: sends no attendance, creates no event, migrates nothing. Exit status 0 when nothing failed, 1 otherwise.
`;

/**
 * The checks in order. Each is its own function, so a new one (a new credential, a new source's
 * API) is one line here; later ones read what the HubSpot token check learned.
 */
const GROUPS: CheckGroup[] = [
  checkHubspotToken,
  checkMappedEvents,
  checkRateLimit,
  checkStore,
  checkSourceSecrets,
  checkEventbrite,
  checkZoomApi,
  checkWarnings,
];

const MARK = { ok: '✔', fail: '✗', warn: '!' } as const;

export async function doctorCommand(
  argv: string[],
  io: { out: (line: string) => void; err: (line: string) => void },
  env = process.env,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        'timeout-ms': { type: 'string', default: '10000' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`attendance-relay doctor: ${(error as Error).message}\n${DOCTOR_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(DOCTOR_USAGE);
    return 0;
  }
  const file = values.config ?? env.CONFIG_FILE;
  const timeoutMs = Number(values['timeout-ms']);
  if (!file || !(timeoutMs > 0)) {
    io.err(
      `attendance-relay doctor: ${file ? '--timeout-ms must be a positive number' : 'give --config FILE (or CONFIG_FILE)'}\n${DOCTOR_USAGE}`,
    );
    return 2;
  }
  const results = await runChecks(file, env, timeoutMs);
  const failed = results.some((r) => r.status === 'fail');
  if (values.json) io.out(JSON.stringify({ ok: !failed, checks: results }, null, 2));
  else for (const line of formatResults(results)) io.out(line);
  return failed ? 1 : 0;
}

export async function runChecks(file: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CheckResult[]> {
  const { config, results } = checkConfig(file, env);
  if (!config) return results; // nothing else can be checked without a configuration
  const context: DoctorContext = { config, env, hubspot: {}, timeoutMs };
  for (const group of GROUPS) {
    try {
      results.push(...(await group(context)));
    } catch (error) {
      // A check that breaks is a failed check, never a crash that hides the others.
      results.push({
        status: 'fail',
        group: group.name,
        message: `the check itself failed: ${(error as Error).message}`,
        fix: 'Report this with the line above.',
      });
    }
  }
  return results;
}

/** `✔ hubspot: ...`, and under each ✗ (and each ! that has one) its fix. */
export function formatResults(results: CheckResult[]): string[] {
  const lines = results.flatMap((r) => [
    `${MARK[r.status]} ${r.group}: ${r.message}`,
    ...(r.fix && r.status !== 'ok' ? [`    fix: ${r.fix}`] : []),
  ]);
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  lines.push(`${count('ok')} passed, ${count('fail')} failed, ${count('warn')} warning(s)`);
  return lines;
}
