import type { Static, TSchema } from 'typebox';
import type { Source } from './types.js';

/**
 * One platform, described once: its `type` (the `sources[].type` value), the schema of its
 * configuration (whose `type` is `Type.Literal(type)`), and how a configured source is built.
 * The list in platforms.ts is the only place that names them all: the config loader's
 * type → schema map, the SourceConfig union and createSource are derived from it.
 */
export interface SourceModule<T extends string = string, S extends TSchema = TSchema> {
  readonly type: T;
  readonly configSchema: S;
  create(config: Static<S>): Source;
}

/** Declares a platform's module, keeping its `type` literal and its schema's exact type. */
export function sourceModule<const T extends string, S extends TSchema>(module: SourceModule<T, S>): SourceModule<T, S> {
  return module;
}

/** The configuration a module reads (distributes over a union of modules). */
export type ConfigOf<M> = M extends SourceModule<string, infer S> ? Static<S> : never;
