import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { isDotSegment } from '../domain/event-mappings.js';
import { genericSourceProblems } from '../sources/generic/config.js';
import { hubspotCredentialProblems } from './hubspot-credentials.js';
import { coerceScalars, interpolateEnv } from './interpolate.js';
import { withCreateEventsProblems } from './create-events-check.js';
import { demoTermsHold, placeholderProblems } from './placeholders.js';
import { RelayConfigShape, SourceConfigByType, type HubspotConfig, type RelayConfig, type SourceConfig } from './schema.js';

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
  return parseConfig(file ? readYaml(file) : {}, env);
}

/** Validates a parsed configuration document (after `${VAR}` interpolation and env overrides). */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): RelayConfig {
  const { value, unsetAt } = interpolateEnv(raw, env);
  const problems: string[] = [];
  if (value !== undefined && value !== null && !isObject(value)) problems.push('(root): must be a mapping of settings');
  const doc: Doc = isObject(value) ? value : {};
  applyEnvOverrides(doc, env, problems);

  // Convert turns interpolated strings into the numbers and booleans the schema asks for.
  const shaped = Value.Default(RelayConfigShape, coerceScalars(RelayConfigShape, doc)) as Doc;
  problems.push(...schemaProblems(RelayConfigShape, shaped, '', unsetAt));
  const sources = (Array.isArray(shaped.sources) ? shaped.sources : []).map((source: unknown, i) => {
    if (!isObject(source)) return source as SourceConfig; // reported by the shape check
    const type = typeof source.type === 'string' ? source.type : '';
    const schema = SourceConfigByType[type as keyof typeof SourceConfigByType];
    if (!schema) {
      problems.push(`sources[${i}].type: unknown source type "${type}" (known: ${Object.keys(SourceConfigByType).join(', ')})`);
      return source as unknown as SourceConfig;
    }
    const withDefaults = Value.Default(schema, coerceScalars(schema, source));
    problems.push(...schemaProblems(schema, withDefaults, `sources[${i}]`, unsetAt));
    return withDefaults as SourceConfig;
  });
  const config = { ...(shaped as unknown as RelayConfig), sources };
  problems.push(...crossReferenceProblems(config));

  const hubspot = isObject(config.hubspot) ? config.hubspot : undefined;
  const credentials = hubspotCredentialProblems(hubspot as Partial<HubspotConfig> | undefined, env);
  problems.push(...credentials.problems);
  if (hubspot && typeof hubspot.baseUrl === 'string') {
    const insecure = plainHttpProblem(hubspot as HubspotConfig, env);
    if (insecure) problems.push(insecure);
    problems.push(...placeholderProblems(config, demoTermsHold({ sandbox: !credentials.hasCredential, hubspotBaseUrl: hubspot.baseUrl })));
  }
  const reported = withCreateEventsProblems(config.events, problems);
  if (reported.length > 0) throw new ConfigError([...new Set(reported)]);
  return { ...config, sandbox: !credentials.hasCredential };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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

/** The section an override goes into; a section that is not a mapping is left for the schema check to report. */
function section(doc: Doc, key: string): Record<string, unknown> {
  const existing = doc[key];
  if (isObject(existing)) return existing;
  if (existing !== undefined) return {};
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
  if (env.ADMIN_TOKEN) section(doc, 'admin').token = env.ADMIN_TOKEN;
}

function schemaProblems(schema: TSchema, value: unknown, prefix: string, unsetAt: Map<string, string[]>): string[] {
  const byPath = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    if (error.keyword === 'boolean' || error.keyword === 'anyOf') continue;
    const path = joinPath(prefix, error.instancePath);
    if (error.keyword === 'additionalProperties') {
      for (const key of (error.params as { additionalProperties?: string[] }).additionalProperties ?? []) {
        byPath.set(`${path}.${key}`, `${path ? `${path}.` : ''}${key}: unknown key`);
      }
      continue;
    }
    if (error.keyword === 'required') {
      for (const key of (error.params as { requiredProperties?: string[] }).requiredProperties ?? []) {
        byPath.set(`${path}.${key}`, `${path ? `${path}.` : ''}${key}: is required`);
      }
      continue;
    }
    if (byPath.has(path)) continue;
    const found = describe(valueAt(value, error.instancePath), /(token|secret|password)s?(\[\d+\])?$/i.test(path));
    const unset = unsetAt.get(path);
    const hint = unset ? ` (it uses \${${unset.join('}, ${')}}, which is not set)` : '';
    byPath.set(path, `${path || '(root)'}: ${error.message} (got ${found})${hint}`);
  }
  return [...byPath.values()];
}

function joinPath(prefix: string, pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`));
  return (prefix + parts.join('')).replace(/^\./, '');
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

/** What was found, for a problem line; a secret's value is never echoed, only its length. */
function describe(value: unknown, secret = false): string {
  if (value === undefined) return 'nothing';
  if (secret) return typeof value === 'string' ? `a value of ${value.length} characters` : `a ${typeof value}`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * In production the HubSpot token must not travel in clear text: plain http only to a loopback host
 * or one listed in hubspot.allowHttpHosts (never to HubSpot's own API hosts).
 */
function plainHttpProblem(hubspot: HubspotConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (env.NODE_ENV !== 'production' || !hubspot.baseUrl.startsWith('http:')) return undefined;
  let host: string;
  try {
    host = new URL(hubspot.baseUrl).hostname;
  } catch {
    return undefined; // reported by the schema
  }
  const hubspotApi = /(^|\.)(hubapi|hubspot)\.com$/i.test(host);
  if (!hubspotApi && (LOOPBACK.test(host) || (hubspot.allowHttpHosts ?? []).includes(host))) return undefined;
  return `hubspot.baseUrl: plain http to ${host} would send the access token in clear text (NODE_ENV=production): use https, or list a simulator's host in hubspot.allowHttpHosts`;
}

function crossReferenceProblems(config: Omit<RelayConfig, 'sandbox'>): string[] {
  const problems: string[] = [];
  const server: Record<string, unknown> = isObject(config.server) ? config.server : {};
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (
    typeof server.headersTimeoutMs === 'number' &&
    typeof server.requestTimeoutMs === 'number' &&
    server.headersTimeoutMs > server.requestTimeoutMs
  ) {
    problems.push(`server.headersTimeoutMs: must not exceed server.requestTimeoutMs (${server.requestTimeoutMs})`);
  }
  const ids = new Set<string>();
  (Array.isArray(config.sources) ? config.sources : []).forEach((source, i) => {
    if (!isObject(source) || typeof source.id !== 'string') return;
    if (source.type === 'generic' && isObject(source.verify) && isObject(source.map))
      problems.push(...genericSourceProblems(source, `sources[${i}]`));
    if (source.id === 'hubspot-intake') problems.push(`sources[${i}].id: "hubspot-intake" is reserved for the HubSpot-compatible intake`);
    if (ids.has(source.id)) problems.push(`sources[${i}].id: "${source.id}" is used by another source`);
    ids.add(source.id);
  });
  (Array.isArray(config.events) ? config.events : []).forEach((event, i) => {
    if (!isObject(event)) return;
    if (typeof event.source === 'string' && !ids.has(event.source))
      problems.push(`events[${i}].source: no source with id "${event.source}"`);
    // These ids go into URL paths, where "." and ".." would be normalised away (reaching another route).
    const target: Record<string, unknown> = isObject(event.hubspot) ? event.hubspot : {};
    for (const [key, value] of [
      ['sourceEventId', event.sourceEventId],
      ['hubspot.objectId', target.objectId],
      ['hubspot.externalEventId', target.externalEventId],
    ]) {
      if (typeof value === 'string' && isDotSegment(value))
        problems.push(`events[${i}].${key}: must not be "." or ".." (URLs drop such path segments)`);
    }
  });
  return problems;
}
