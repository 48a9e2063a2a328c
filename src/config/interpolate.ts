/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML
 * document. Interpolating after parsing means a value can never change the
 * document's structure.
 */
export interface Interpolation {
  value: unknown;
  /** Dotted paths whose value referenced a variable that is not set. */
  unsetAt: Map<string, string[]>;
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolateEnv(doc: unknown, env: NodeJS.ProcessEnv): Interpolation {
  const unsetAt = new Map<string, string[]>();
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
        const value = env[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        unsetAt.set(path, [...(unsetAt.get(path) ?? []), name]);
        return '';
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, path ? `${path}.${key}` : key)]));
    }
    return node;
  };
  return { value: walk(doc, ''), unsetAt };
}

interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/**
 * Turns strings into the numbers and booleans a schema asks for, so that
 * `port: ${PORT:-8080}` works. Nothing else is converted: a list written as a
 * mapping stays wrong and is reported.
 */
export function coerceScalars(schemaLike: object, value: unknown): unknown {
  const schema = schemaLike as SchemaNode;
  if (typeof value === 'string') {
    const text = value.trim();
    if ((schema.type === 'integer' || schema.type === 'number') && text !== '' && Number.isFinite(Number(text))) return Number(text);
    if (schema.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
    return value;
  }
  if (Array.isArray(value)) return schema.items ? value.map((item) => coerceScalars(schema.items as SchemaNode, item)) : value;
  if (value !== null && typeof value === 'object' && schema.properties) {
    const properties = schema.properties;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, properties[key] ? coerceScalars(properties[key], item) : item]),
    );
  }
  return value;
}
