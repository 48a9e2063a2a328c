import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../../config/load.js';
import type { RelayConfig } from '../../config/schema.js';
import { fail, ok, type CheckResult } from './types.js';

/** Check 1: the configuration loads exactly as `serve` loads it; its problems are today's messages, one line each. */
export function checkConfig(file: string, env: NodeJS.ProcessEnv): { config?: RelayConfig; results: CheckResult[] } {
  let config: RelayConfig;
  try {
    config = loadConfig({ file, env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      results: error.problems.map((problem) =>
        fail(
          'config',
          problem,
          problem.includes('is not set') ? 'Set the environment variable it names, then run doctor again.' : `Fix that key in ${file}.`,
        ),
      ),
    };
  }
  const results = [ok('config', `${file} is valid (${config.sources.length} source(s), ${config.events.length} event mapping(s))`)];
  const unset = config.sandbox ? unsetTokenVariable(file, env) : undefined;
  // The loader takes an unset token for the sandbox (outside production); a file that names one meant to go live.
  if (unset)
    results.push(
      fail(
        'config',
        `hubspot.accessToken uses \${${unset}}, which is not set: the relay would run in sandbox mode`,
        `Set ${unset} to the HubSpot token.`,
      ),
    );
  return { config, results };
}

/** The variable `hubspot.accessToken` names in the file, when it names one that is unset (or empty). */
function unsetTokenVariable(file: string, env: NodeJS.ProcessEnv): string | undefined {
  const doc = parse(readFileSync(file, 'utf8')) as { hubspot?: { accessToken?: unknown } } | null;
  const value = doc?.hubspot?.accessToken;
  const name = typeof value === 'string' ? /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(value)?.[1] : undefined;
  return name !== undefined && !env[name] ? name : undefined;
}
