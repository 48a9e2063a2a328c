import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { normalizeEmail } from '../../attendance/contact.js';
import type { AttendanceInput } from '../../attendance/types.js';
import { IntakeError, type ErrorDetail } from './answers.js';

/**
 * Validation for the intake routes, with HubSpot's schema exactly as published: no type
 * coercion, no defaults, no removal of unknown fields. `strict: false` because the spec marks
 * schemas with `format: int64`/`int32`, which ajv does not know (formats are not checked).
 */
export const intakeAjv = new Ajv({ strict: false, validateFormats: false, allErrors: true, coerceTypes: false, useDefaults: false, removeAdditional: false });

/** Fastify validator compiler for the intake routes (params, query string and body alike); ajv caches by schema object. */
export function compileIntakeSchema({ schema }: { schema: object }): ValidateFunction {
  return intakeAjv.compile(schema);
}

/** At most this many entries in a 400's `errors[]`. */
const MAX_ERRORS = 50;

/** `/inputs/2/properties/joinedAt` → `inputs[2].properties.joinedAt`. */
export function fieldName(instancePath: string, missing?: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (missing !== undefined) segments.push(missing);
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`), '');
}

const CODES: Record<string, string> = {
  required: 'REQUIRED',
  type: 'INVALID_TYPE',
  enum: 'INVALID_ENUM',
  minLength: 'TOO_SHORT',
  pattern: 'INVALID_FORMAT',
};

function reason(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum') return `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}`;
  return error.message ?? 'is invalid';
}

/** A schema failure of one request part (`body`, `params`, `querystring`) as HubSpot's 400, each problem naming its field in `in`. */
export function validationRefusal(errors: ErrorObject[], part: string): IntakeError {
  const details = errors.slice(0, MAX_ERRORS).map((error): ErrorDetail => {
    const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: unknown }).missingProperty) : undefined;
    const field = fieldName(error.instancePath, missing) || (part === 'body' ? 'body' : part);
    return { message: `${field} ${reason(error)}`, in: field, code: CODES[error.keyword] ?? 'INVALID' };
  });
  const first = errors[0];
  const where = part === 'body' ? 'Invalid input JSON' : 'Invalid request';
  const message = first && details[0] ? `${where} at ${details[0].in}: ${reason(first)}` : where;
  return new IntakeError(400, 'VALIDATION_ERROR', message, { errors: details });
}

/** The four fields HubSpot's schema names, and nothing else, as the relay stores and sends them. */
export function pickInput(input: AttendanceInput): AttendanceInput {
  return {
    email: input.email,
    interactionDateTime: input.interactionDateTime,
    properties: input.properties,
    contactProperties: input.contactProperties,
  };
}

/**
 * Inputs whose email is no address at all (the relay delivers no record for them): refused up
 * front with the field named, so no input of an accepted request is dropped without a word.
 */
export function emailRefusal(inputs: AttendanceInput[]): IntakeError | undefined {
  const details: ErrorDetail[] = [];
  inputs.forEach((input, i) => {
    if (normalizeEmail(input.email) === undefined) {
      details.push({ message: `Invalid email \`${input.email}\``, in: `inputs[${i}].email`, code: 'INVALID_EMAIL', subCategory: 'AttendanceValidationError.INVALID_EMAIL' });
    }
  });
  if (details.length === 0) return undefined;
  const [first] = details as [ErrorDetail];
  return new IntakeError(400, 'VALIDATION_ERROR', `Invalid input JSON at ${first.in}: ${first.message}`, { errors: details.slice(0, MAX_ERRORS) });
}
