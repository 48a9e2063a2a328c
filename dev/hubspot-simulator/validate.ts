import { Ajv, type ErrorObject } from 'ajv';
import { SPEC_VERSIONS, specSchema, type SpecVersion } from './spec-schema.js';
import { isRecord } from './fault-parse.js';
import { SUBSCRIBER_STATES, type SubscriberState } from './types.js';

export interface EmailSubscriberInput {
  email: string;
  interactionDateTime: number;
  properties: Record<string, string>;
  contactProperties: Record<string, string>;
}
export interface BatchInput {
  inputs: EmailSubscriberInput[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

// strict:false because the spec carries `example: null`; formats (int64, date-time) are not checked.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
// Each API version's requests are checked against that version's own spec.
const validators = new Map(
  SPEC_VERSIONS.map((version) => [
    version,
    ajv.compile<BatchInput>(specSchema('BatchInputMarketingEventEmailSubscriber', version) as object),
  ]),
);

export function parseJsonBody(raw: string | undefined): Checked<unknown> {
  if (raw === undefined || raw.trim() === '') return { ok: false, message: 'Invalid input JSON: the request body is empty' };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return { ok: false, message: `Invalid input JSON: ${(error as Error).message}` };
  }
}

export function validateBatch(body: unknown, version: SpecVersion = 'v3'): Checked<BatchInput> {
  const validateBatchInput = validators.get(version);
  if (!validateBatchInput) throw new Error(`no spec for API version ${version}`);
  if (validateBatchInput(body)) return { ok: true, value: body };
  const first = validateBatchInput.errors?.[0];
  return { ok: false, message: first ? describeSchemaError(first) : 'Invalid input JSON' };
}

/** e.g. `Invalid input JSON at inputs[2].properties.joinedAt: must be string`. */
export function describeSchemaError(error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1);
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  const field = segments.reduce(
    (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`),
    '',
  );
  const reason = error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
  return `Invalid input JSON at ${field === '' ? '(root)' : field}: ${reason}`;
}

/** Lenient look at a body that may not pass the schema: how many inputs, which emails (lower-cased). */
export function summarizeInputs(body: unknown): { count: number; emails: string[] } {
  const inputs = isRecord(body) ? body.inputs : undefined;
  if (!Array.isArray(inputs)) return { count: 0, emails: [] };
  const emails = inputs
    .map((input: unknown) => (isRecord(input) ? input.email : undefined))
    .filter((email): email is string => typeof email === 'string')
    .map((email) => email.toLowerCase());
  return { count: inputs.length, emails };
}

export function isSubscriberState(state: string): state is SubscriberState {
  return (SUBSCRIBER_STATES as readonly string[]).includes(state);
}

/** A plausible address: something@label.label, no spaces. HubSpot's exact rule is not published. */
export function isPlausibleEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/.test(email);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * The attend-state check: `missing` when joinedAt/leftAt are absent or not ISO-8601 (HubSpot
 * then silently stores nothing), `inverted` when joinedAt is not before leftAt.
 */
export function attendWindow(properties: Record<string, string>): 'ok' | 'missing' | 'inverted' {
  const joinedAt = isoMillis(properties.joinedAt);
  const leftAt = isoMillis(properties.leftAt);
  if (joinedAt === undefined || leftAt === undefined) return 'missing';
  return joinedAt >= leftAt ? 'inverted' : 'ok';
}

function isoMillis(value: string | undefined): number | undefined {
  if (value === undefined || !ISO_8601.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

/** The token from `Authorization: Bearer <token>`; the scheme is case-insensitive. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const found = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return found?.[1];
}
