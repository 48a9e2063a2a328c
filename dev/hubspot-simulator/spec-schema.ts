import specV3 from './spec/hubspot-marketing-events-v3.json' with { type: 'json' };
import spec202609 from './spec/hubspot-marketing-events-2026-09.json' with { type: 'json' };

/** The request body schema, taken from HubSpot's own OpenAPI document rather than retyped. */
const SCHEMA_PREFIX = '#/components/schemas/';

/** Each API version the simulator serves, with its own spec (see spec/README.md). */
export const SPEC_BY_VERSION = {
  v3: specV3.components.schemas as Record<string, unknown>,
  '2026-09': spec202609.components.schemas as Record<string, unknown>,
} as const;
export type SpecVersion = keyof typeof SPEC_BY_VERSION;
export const SPEC_VERSIONS = Object.keys(SPEC_BY_VERSION) as SpecVersion[];

/** A `components.schemas` entry of a version's spec (v3 by default) with its `$ref`s inlined, ready for ajv. */
export function specSchema(name: string, version: SpecVersion = 'v3'): unknown {
  const schemas = SPEC_BY_VERSION[version];
  return inlineRefs(schemas, schemaNamed(schemas, name), [name]);
}

export const batchInputSchema = specSchema('BatchInputMarketingEventEmailSubscriber');

function schemaNamed(schemas: Record<string, unknown>, name: string): unknown {
  const schema = schemas[name];
  if (schema === undefined) throw new Error(`HubSpot spec has no components.schemas.${name}`);
  return schema;
}

/**
 * Replaces `{ "$ref": "#/components/schemas/X" }` with a copy of X. `resolving` holds the
 * names being inlined on the current path, so a self-referencing schema fails loudly.
 */
function inlineRefs(schemas: Record<string, unknown>, node: unknown, resolving: string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineRefs(schemas, item, resolving));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith(SCHEMA_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
    const name = ref.slice(SCHEMA_PREFIX.length);
    if (resolving.includes(name)) throw new Error(`recursive $ref ${ref}`);
    return inlineRefs(schemas, schemaNamed(schemas, name), [...resolving, name]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlineRefs(schemas, value, resolving)]));
}
