/**
 * Paths into a webhook: `data.attendees[0].email`, `items[*].checked_in_at` (the first element that
 * has a value), `fields[id=email].value` (the first element whose `id` is "email"), or a request
 * header: `header:x-webhook-name`. A list of paths is tried in order; the first with a value wins.
 */

export type Step =
  { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'any' } | { kind: 'where'; key: string; value: string };

export type ParsedPath = { kind: 'header'; name: string; text: string } | { kind: 'body'; steps: Step[]; text: string };

/** One path or alternatives, as written in the configuration. */
export type PathSpec = string | string[];

/** What a path reads: the parsed JSON body and the request headers (lower-case names). */
export interface Payload {
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

const HEADER_PREFIX = 'header:';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const TOKEN = /([^.[\]]+)|\[([^\]]*)\]|(\.)/y;

/** Parses one path; throws an Error saying what is wrong with it. */
export function parsePath(text: string): ParsedPath {
  if (text.startsWith(HEADER_PREFIX)) {
    const name = text.slice(HEADER_PREFIX.length).trim().toLowerCase();
    if (!HEADER_NAME.test(name)) throw new Error(`"${text}" is not a header path (header:<name>)`);
    return { kind: 'header', name, text };
  }
  const steps: Step[] = [];
  // 'start': nothing read yet; 'dot': a dot, a key must follow; 'step': a key or a bracket ended.
  let state: 'start' | 'dot' | 'step' = 'start';
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match || match.index !== at) throw new Error(`"${text}": unexpected "${text.slice(at, at + 1)}" at position ${at + 1}`);
    const [, key, bracket, dot] = match;
    if (dot !== undefined) {
      if (state !== 'step') throw new Error(`"${text}": a "." must follow a key or a [...] (position ${at + 1})`);
      state = 'dot';
    } else if (key !== undefined) {
      if (state === 'step') throw new Error(`"${text}": a key must follow a "." (position ${at + 1})`);
      steps.push({ kind: 'key', key });
      state = 'step';
    } else {
      if (state === 'dot') throw new Error(`"${text}": a key must follow a "." (position ${at + 1})`);
      steps.push(bracketStep(text, bracket ?? ''));
      state = 'step';
    }
  }
  if (state !== 'step') throw new Error(text === '' ? 'a path cannot be empty' : `"${text}" cannot end with "."`);
  return { kind: 'body', steps, text };
}

function bracketStep(text: string, inner: string): Step {
  if (/^\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  if (inner === '*') return { kind: 'any' };
  const eq = inner.indexOf('=');
  if (eq > 0) return { kind: 'where', key: inner.slice(0, eq), value: inner.slice(eq + 1) };
  throw new Error(`"${text}": [${inner}] must be an index ([0]), [*] or a match ([key=value])`);
}

/** Why `text` is not a valid path, or undefined when it is. */
export function pathProblem(text: string): string | undefined {
  try {
    parsePath(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Paths of a spec, parsed. */
export function parseSpec(spec: PathSpec): ParsedPath[] {
  return (typeof spec === 'string' ? [spec] : spec).map(parsePath);
}

/** How a spec is shown in messages: `a.b` or `a.b | c.d`. */
export function specText(paths: readonly ParsedPath[]): string {
  return paths.map((p) => p.text).join(' | ');
}

/** A value counts as set unless it is missing, null, or a blank string. */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function child(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return /^\d+$/.test(key) ? node[Number(key)] : undefined;
  // Own properties only: a path never reaches Object.prototype (`constructor`, `__proto__`).
  return isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function walk(node: unknown, steps: readonly Step[], i: number): unknown {
  const step = steps[i];
  if (step === undefined) return isPresent(node) ? node : undefined;
  switch (step.kind) {
    case 'key':
      return walk(child(node, step.key), steps, i + 1);
    case 'index':
      return walk(child(node, String(step.index)), steps, i + 1);
    case 'any':
    case 'where': {
      if (!Array.isArray(node)) return undefined;
      for (const element of node) {
        if (step.kind === 'where' && !(isRecord(element) && scalarText(element[step.key]) === step.value)) continue;
        const found = walk(element, steps, i + 1);
        if (found !== undefined) return found;
      }
      return undefined;
    }
  }
}

function header(payload: Payload, name: string): string | undefined {
  const value = payload.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && isPresent(text) ? text.trim() : undefined;
}

/** The value at the first of `paths` that has one (see isPresent), or undefined. */
export function resolve(paths: readonly ParsedPath[], payload: Payload): unknown {
  for (const path of paths) {
    const value = path.kind === 'header' ? header(payload, path.name) : walk(payload.body, path.steps, 0);
    if (value !== undefined) return value;
  }
  return undefined;
}
