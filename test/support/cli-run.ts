import { spawn } from 'node:child_process';
import { MAIN_JS } from './process.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/src/main.js <args>` to its end with exactly `env` (plus PATH), in `cwd`. */
export function runBuiltCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

export interface DoctorLine {
  status: 'ok' | 'fail' | 'warn';
  group: string;
  message: string;
  fix?: string;
}

/** `doctor --config <file> --json`: its exit code, checks, and the human output of the same run's lines. */
export async function runDoctorJson(
  file: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; checks: DoctorLine[]; stderr: string }> {
  const run = await runBuiltCli(['doctor', '--config', file, '--json', '--timeout-ms', '5000'], { env });
  let parsed: { checks: DoctorLine[] };
  try {
    parsed = JSON.parse(run.stdout) as { checks: DoctorLine[] };
  } catch {
    throw new Error(`doctor printed no JSON (exit ${run.code}): ${run.stdout}${run.stderr}`);
  }
  return { code: run.code, checks: parsed.checks, stderr: run.stderr };
}
