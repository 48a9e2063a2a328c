import copied from './spec-schemas.json' with { type: 'json' };

/**
 * HubSpot's own request-body schema for the email-create attendance endpoints, read from the
 * copy of the spec's `components.schemas` next to this file (see its `provenance`), never retyped.
 */
const SCHEMA_PREFIX = '#/components/schemas/';
const schemas: Record<string, unknown> = copied.schemas;

/** A copied `components.schemas` entry with its `$ref`s inlined and the spec's `example: null` noise left out. */
export function specSchema(name: string): Record<string, unknown> {
  return inline(named(name), [name]) as Record<string, unknown>;
}

/** `BatchInputMarketingEventEmailSubscriber`: `{ inputs: [{ email, interactionDateTime, properties, contactProperties }] }`. */
export const batchInputSchema = specSchema('BatchInputMarketingEventEmailSubscriber');

function named(name: string): unknown {
  const schema = schemas[name];
  if (schema === undefined) throw new Error(`the copied HubSpot spec has no components.schemas.${name}`);
  return schema;
}

function inline(node: unknown, resolving: string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(item, resolving));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith(SCHEMA_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
    const name = ref.slice(SCHEMA_PREFIX.length);
    if (resolving.includes(name)) throw new Error(`recursive $ref ${ref}`);
    return inline(named(name), [...resolving, name]);
  }
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'example' && value === null))
      .map(([key, value]) => [key, inline(value, resolving)]),
  );
}
