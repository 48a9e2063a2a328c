import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { RelayError } from '../http/errors.js';

export interface Checker<T extends TSchema> {
  /** Returns the value typed, or throws BODY_INVALID naming the first bad field. */
  assert(value: unknown, what: string): Static<T>;
}

function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

export function checker<T extends TSchema>(schema: T): Checker<T> {
  const validator = Compile(schema);
  return {
    assert(value, what) {
      if (validator.Check(value)) return value as Static<T>;
      const first = validator.Errors(value).find((e) => e.keyword !== 'anyOf' && e.keyword !== 'boolean');
      const where = first ? fieldPath(first.instancePath) || '(body)' : '(body)';
      throw new RelayError('BODY_INVALID', `${what}: ${where} ${first?.message ?? 'is invalid'}`);
    },
  };
}
