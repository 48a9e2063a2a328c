import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { interpolateEnv } from './interpolate.js';
import { RelayConfigShape, SourceConfigByType, type RelayConfig, type SourceConfig } from './schema.js';

/** A configuration that cannot be used; `problems` name the exact key and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
}

type Doc = Record<string, Record<string, unknown> | unknown>;

export function loadConfig({ file, env = process.env }: LoadOptions = {}): RelayConfig {
  const raw = file ? readYaml(file) : {};
  const { value, unsetAt } = interpolateEnv(raw, env);
  const doc = (value ?? {}) as Doc;
  const problems: string[] = [];
  applyEnvOverrides(doc, env, problems);

  const shaped = Value.Default(RelayConfigShape, doc) as Doc;
  problems.push(...schemaProblems(RelayConfigShape, shaped, '', unsetAt));
  const sources = ((shaped.sources as unknown[]) ?? []).map((source, i) => {
    const type = (source as { type?: string }).type ?? '';
    const schema = SourceConfigByType[type as keyof typeof SourceConfigByType];
    if (!schema) {
      problems.push(`sources[${i}].type: unknown source type "${type}" (known: ${Object.keys(SourceConfigByType).join(', ')})`);
      return source as SourceConfig;
    }
    const withDefaults = Value.Default(schema, source);
    problems.push(...schemaProblems(schema, withDefaults, `sources[${i}]`, unsetAt));
    return withDefaults as SourceConfig;
  });
  const config = { ...(shaped as unknown as RelayConfig), sources };
  problems.push(...crossReferenceProblems(config));

  const token = config.hubspot?.accessToken?.trim();
  if (config.hubspot) config.hubspot.accessToken = token || undefined;
  if (!token && env.NODE_ENV === 'production') {
    problems.push('hubspot.accessToken: required when NODE_ENV=production (set HUBSPOT_ACCESS_TOKEN)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, sandbox: !token };
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`config file ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError([`config file ${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`]);
  }
}

function section(doc: Doc, key: string): Record<string, unknown> {
  const existing = doc[key];
  if (existing && typeof existing === 'object' && !Array.isArray(existing)) return existing as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  doc[key] = created;
  return created;
}

function applyEnvOverrides(doc: Doc, env: NodeJS.ProcessEnv, problems: string[]): void {
  if (env.PORT) {
    const port = Number(env.PORT);
    if (Number.isInteger(port)) section(doc, 'server').port = port;
    else problems.push(`PORT: must be an integer port number (got "${env.PORT}")`);
  }
  if (env.HOST) section(doc, 'server').host = env.HOST;
  if (env.STORE_URL) section(doc, 'store').url = env.STORE_URL;
  if (env.HUBSPOT_BASE_URL) section(doc, 'hubspot').baseUrl = env.HUBSPOT_BASE_URL;
  if (env.HUBSPOT_ACCESS_TOKEN) section(doc, 'hubspot').accessToken = env.HUBSPOT_ACCESS_TOKEN;
  if (env.LOG_LEVEL) section(doc, 'logging').level = env.LOG_LEVEL;
}

function schemaProblems(schema: TSchema, value: unknown, prefix: string, unsetAt: Map<string, string[]>): string[] {
  const byPath = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    if (error.keyword === 'boolean' || error.keyword === 'anyOf') continue;
    const path = joinPath(prefix, error.instancePath);
    if (byPath.has(path)) continue;
    const found = describe(valueAt(value, error.instancePath));
    const unset = unsetAt.get(path);
    const hint = unset ? ` (it uses \${${unset.join('}, ${')}}, which is not set)` : '';
    byPath.set(path, `${path || '(root)'}: ${error.message}${error.keyword === 'additionalProperties' ? ` ${JSON.stringify((error.params as { additionalProperties?: string[] }).additionalProperties ?? [])}` : ` (got ${found})`}${hint}`);
  }
  return [...byPath.values()];
}

function joinPath(prefix: string, pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`));
  return (prefix + parts.join('')).replace(/^\./, '');
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function crossReferenceProblems(config: Omit<RelayConfig, 'sandbox'>): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  (config.sources ?? []).forEach((source, i) => {
    if (ids.has(source.id)) problems.push(`sources[${i}].id: "${source.id}" is used by another source`);
    ids.add(source.id);
  });
  (config.events ?? []).forEach((event, i) => {
    if (event && !ids.has(event.source)) problems.push(`events[${i}].source: no source with id "${event.source}"`);
  });
  return problems;
}
