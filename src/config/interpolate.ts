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
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, walk(item, path ? `${path}.${key}` : key)]),
      );
    }
    return node;
  };
  return { value: walk(doc, ''), unsetAt };
}
