import { createInterface } from 'node:readline/promises';
import { parsePlatforms, PLATFORMS } from './platforms.js';
import type { InitAnswers } from './render.js';

/**
 * Asks for what the flags did not say, each question with the flag's value (or the default) as the
 * answer taken on Enter. Only used when a terminal is attached and --yes is not given.
 */
export async function askAnswers(defaults: InitAnswers, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<InitAnswers> {
  const rl = createInterface({ input, output });
  try {
    const ask = async (question: string, fallback: string): Promise<string> =>
      (await rl.question(`${question} [${fallback}]: `)).trim() || fallback;
    let platforms = defaults.platforms;
    for (;;) {
      const answer = await ask(`Platforms (${PLATFORMS.join(', ')})`, platforms.join(','));
      const parsed = parsePlatforms([answer]);
      if (parsed.unknown.length === 0 && parsed.platforms.length > 0) {
        platforms = parsed.platforms;
        break;
      }
      output.write(`  unknown: ${parsed.unknown.join(', ') || '(none given)'}\n`);
    }
    const hubspotTokenEnv = await ask('Environment variable holding the HubSpot token', defaults.hubspotTokenEnv);
    const store = await ask('Store (sqlite or postgres)', defaults.store);
    return { platforms, hubspotTokenEnv, store };
  } finally {
    rl.close();
  }
}
