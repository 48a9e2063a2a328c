import spec from './spec/hubspot-marketing-events-v3.json' with { type: 'json' };

/** The request body schema, taken from HubSpot's own OpenAPI document rather than retyped. */
const SCHEMA_PREFIX = '#/components/schemas/';

const componentSchemas: Record<string, unknown> = spec.components.schemas;

/** A `components.schemas` entry of the spec with its `$ref`s inlined, ready for ajv. */
export function specSchema(name: string): unknown {
  return inlineRefs(schemaNamed(name), [name]);
}

export const batchInputSchema = specSchema('BatchInputMarketingEventEmailSubscriber');

function schemaNamed(name: string): unknown {
  const schema = componentSchemas[name];
  if (schema === undefined) throw new Error(`HubSpot spec has no components.schemas.${name}`);
  return schema;
}

/**
 * Replaces `{ "$ref": "#/components/schemas/X" }` with a copy of X. `resolving` holds the
 * names being inlined on the current path, so a self-referencing schema fails loudly.
 */
function inlineRefs(node: unknown, resolving: string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineRefs(item, resolving));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith(SCHEMA_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
    const name = ref.slice(SCHEMA_PREFIX.length);
    if (resolving.includes(name)) throw new Error(`recursive $ref ${ref}`);
    return inlineRefs(schemaNamed(name), [...resolving, name]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlineRefs(value, resolving)]));
}
