import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openapiYaml } from '../../src/cli/openapi.js';

describe('openapi.yaml', () => {
  it('when generated from the running routes, then it equals the committed file (run `npm run openapi` after changing a route)', async () => {
    const committed = readFileSync(resolve(import.meta.dirname, '../../openapi.yaml'), 'utf8');
    const generated = await openapiYaml();
    expect(parse(generated)).toEqual(parse(committed));
  });

  it('when read, then it documents the webhook, health and readiness routes', () => {
    const doc = parse(readFileSync(resolve(import.meta.dirname, '../../openapi.yaml'), 'utf8')) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/webhooks/zoom', '/webhooks/{sourceId}', '/healthz', '/readyz']));
  });
});
