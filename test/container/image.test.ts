import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE, docker, dockerResult, RELAY_IMAGE, ROOT } from './docker.js';

interface ImageConfig {
  User: string;
  Env: string[];
  Healthcheck?: { Test: string[] };
  Volumes?: Record<string, unknown>;
}
const inspect = async () => JSON.parse(await docker('image', 'inspect', '-f', '{{json .Config}}', RELAY_IMAGE)) as ImageConfig;
/** Runs `command` in a throw-away container of the relay image (no network). */
const inImage = (command: string[], input?: string) =>
  dockerResult(['run', '--rm', '-i', '--network', 'none', '--entrypoint', command[0] as string, RELAY_IMAGE, ...command.slice(1)], input);

describe('check 1: the relay image', () => {
  it('when inspected, then it runs as the non-root node user in production mode, with /data as a volume and a HEALTHCHECK on /healthz', async () => {
    const config = await inspect();
    expect(config.User).toBe('node');
    expect(config.Env).toContain('NODE_ENV=production');
    expect(Object.keys(config.Volumes ?? {})).toEqual(['/data']);
    expect(config.Healthcheck?.Test.join(' ')).toContain('/healthz');
    const uid = await inImage(['id', '-u']);
    expect(uid.stdout).toBe('1000');
  });

  it('when its files are listed, then /app holds the compiled relay and its production dependencies only: no test code, no sources', async () => {
    const listing = await inImage(['find', '/app', '-path', '/app/node_modules', '-prune', '-o', '-type', 'f', '-print']);
    expect(listing.code).toBe(0);
    const files = listing.stdout.split('\n');
    expect(files).toContain('/app/dist/src/main.js');
    expect(files.filter((f) => !(f.startsWith('/app/dist/src/') || f === '/app/package.json'))).toEqual([]);
    expect(files.filter((f) => /\/test\/|simulator|\.test\.|\.ts$/.test(f))).toEqual([]);
  });

  it('when node_modules is compared with the lockfile, then no package that is only a dev dependency is there', async () => {
    const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path && entry.dev)
      .map(([path]) => path);
    expect(devOnly).toContain('node_modules/vitest');
    const present = await inImage(
      [
        'node',
        '-e',
        'const fs=require("fs");const paths=JSON.parse(fs.readFileSync(0,"utf8"));console.log(JSON.stringify(paths.filter(p=>fs.existsSync("/app/"+p))))',
      ],
      JSON.stringify(devOnly),
    );
    expect(present.stderr).toBe('');
    expect(JSON.parse(present.stdout)).toEqual([]);
  });

  it('when searched for a compiler or build tools, then none is there', async () => {
    const found = await inImage(['sh', '-c', 'for tool in gcc g++ cc c++ make python3 node-gyp; do command -v "$tool"; done; true']);
    expect(found.stdout).toBe('');
  });

  it('when started without a HubSpot token, then it refuses (exit 78) instead of running the sandbox, whose simulator it does not contain', async () => {
    const run = await dockerResult(['run', '--rm', '--network', 'none', '--read-only', RELAY_IMAGE]);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('hubspot.accessToken: required when NODE_ENV=production');
  });

  it('when its size is compared with its base image, then it adds less than 40 MB', async () => {
    const size = async (image: string) => Number(await docker('image', 'inspect', '-f', '{{.Size}}', image));
    const added = (await size(RELAY_IMAGE)) - (await size(BASE_IMAGE));
    console.log(`relay image: ${(added / 1e6).toFixed(1)} MB on top of ${BASE_IMAGE}`);
    expect(added).toBeLessThan(40e6);
  });
});
