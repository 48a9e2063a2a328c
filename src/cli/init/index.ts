import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parsePlatforms, TEMPLATES } from './platforms.js';
import { askAnswers } from './prompts.js';
import { renderConfig, requiredEnv, type InitAnswers } from './render.js';

export const INIT_USAGE = `Usage:
  attendance-relay init [--out relay.yaml] [--platform zoom,eventbrite,tito,luma,livestorm,generic]...
                        [--hubspot-token-env HUBSPOT_ACCESS_TOKEN] [--store sqlite|postgres|sqlite:FILE]
                        [--public-url https://relay.example.com] [--yes] [--force]
Writes a commented configuration that names secrets only as \${ENV_VAR}. Asks for what the flags
do not say when a terminal is attached; --yes (or no terminal) takes the flags and defaults.
`;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface InitIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** A terminal to ask on; undefined: never ask. */
  terminal?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
}

/** `attendance-relay init`: exit status 0 written, 1 refused (file exists), 2 bad usage. */
export async function initCommand(argv: string[], io: InitIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', short: 'o', default: 'relay.yaml' },
        platform: { type: 'string', multiple: true },
        yes: { type: 'boolean', short: 'y' },
        'hubspot-token-env': { type: 'string', default: 'HUBSPOT_ACCESS_TOKEN' },
        store: { type: 'string', default: 'sqlite' },
        'public-url': { type: 'string', default: 'https://<your-relay-host>' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`attendance-relay init: ${(error as Error).message}\n${INIT_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(INIT_USAGE);
    return 0;
  }
  const parsed = parsePlatforms(values.platform ?? ['zoom']);
  let answers: InitAnswers = { platforms: parsed.platforms, hubspotTokenEnv: values['hubspot-token-env'], store: values.store };
  if (parsed.unknown.length > 0) return usage(io, `unknown platform: ${parsed.unknown.join(', ')}`);
  if (!values.yes && io.terminal) answers = await askAnswers(answers, io.terminal.input, io.terminal.output);
  const problem = answersProblem(answers);
  if (problem) return usage(io, problem);

  try {
    // "wx": the file is created only if it does not exist, in one step (no check-then-write race).
    writeFileSync(values.out, renderConfig(answers), { flag: values.force ? 'w' : 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      io.err(`attendance-relay init: ${values.out} exists; nothing written (--force overwrites it)`);
      return 1;
    }
    throw error;
  }
  printNextSteps(io.out, values.out, answers, values['public-url']);
  return 0;
}

function answersProblem(answers: InitAnswers): string | undefined {
  if (answers.platforms.length === 0) return 'give at least one --platform';
  if (!ENV_NAME.test(answers.hubspotTokenEnv))
    return `--hubspot-token-env: "${answers.hubspotTokenEnv}" is not an environment variable name`;
  if (!/^(sqlite|postgres|postgresql)$/.test(answers.store) && !answers.store.startsWith('sqlite:'))
    return `--store: "${answers.store}" is not sqlite, postgres or a sqlite: URL (a PostgreSQL URL holds a password: use postgres and set RELAY_DATABASE_URL)`;
  return undefined;
}

function usage(io: InitIo, problem: string): number {
  io.err(`attendance-relay init: ${problem}\n${INIT_USAGE}`);
  return 2;
}

function printNextSteps(out: (line: string) => void, file: string, answers: InitAnswers, publicUrl: string): void {
  out(`Wrote ${file}. Next:`);
  out('1. Set these environment variables (the file names them; it holds no secret):');
  for (const { name, holds } of requiredEnv(answers)) out(`     ${name}  ${holds}`);
  out('2. Point each platform at the relay:');
  for (const platform of answers.platforms) for (const line of TEMPLATES[platform].setup(publicUrl)) out(`     ${line}`);
  out(`3. Run "attendance-relay doctor --config ${file}" until no line is ✗, then "attendance-relay serve --config ${file}".`);
}
