import { ConfigError, loadConfig } from '../../config/load.js';
import type { RelayConfig } from '../../config/schema.js';
import { fail, ok, type CheckResult } from './types.js';

/** Check 1: the configuration loads exactly as `serve` loads it; its problems are today's messages, one line each. */
export function checkConfig(file: string, env: NodeJS.ProcessEnv): { config?: RelayConfig; results: CheckResult[] } {
  try {
    const config = loadConfig({ file, env });
    return {
      config,
      results: [ok('config', `${file} is valid (${config.sources.length} source(s), ${config.events.length} event mapping(s))`)],
    };
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
}
