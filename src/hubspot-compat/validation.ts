import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../domain/contact.js';
import type { AttendanceInput } from '../domain/facts.js';
import { IntakeError, type ErrorDetail } from './answer-shapes.js';

/**
 * Validation for the intake routes, with HubSpot's schema as published: no type coercion, no
 * defaults, no removal of unknown fields. `strict: false` because the spec marks schemas with
 * `format: int64`/`int32`, which ajv does not know (formats are not checked). Each validation stops
 * at its first error (`allErrors: false`): collecting every error of a large body costs memory in
 * proportion to the body, so a 400 names the first problem of each bad input, at most MAX_ERRORS.
 */
export const intakeAjv = new Ajv({
  strict: false,
  validateFormats: false,
  allErrors: false,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
});

/** At most this many entries in a 400's `errors[]`. */
export const MAX_ERRORS = 20;
/** Inputs per request: HubSpot's own batch endpoints take far fewer; the rest is refused before anything is stored. */
export const MAX_INPUTS = 1000;
/** HubSpot's limit for a single-line text property value. */
const MAX_VALUE_LENGTH = 65_536;
const MAX_PROPERTIES = 1000;

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
};

/**
 * HubSpot's BatchInputMarketingEventEmailSubscriber with the relay's bounds added: `maxItems` on
 * inputs, `maxLength` on every string, `maxProperties` on the two maps. (The copy of HubSpot's
 * schema itself stays as published.)
 */
export function boundedBatchInputSchema(published: object): object {
  const schema = structuredClone(published) as JsonSchema;
  const inputs = schema.properties?.inputs as JsonSchema;
  inputs.maxItems = MAX_INPUTS;
  const input = inputs.items as JsonSchema & { properties: Record<string, JsonSchema> };
  (input.properties.email as JsonSchema).maxLength = MAX_EMAIL_LENGTH;
  for (const map of [input.properties.properties, input.properties.contactProperties] as JsonSchema[]) {
    map.maxProperties = MAX_PROPERTIES;
    (map.additionalProperties as JsonSchema).maxLength = MAX_VALUE_LENGTH;
  }
  return schema;
}

/**
 * Fastify validator compiler for the intake routes (params, query string and body alike). For a body
 * with `inputs`, a failure is reported as the first error of each bad input (validated one by one,
 * each stopping at its first error), at most MAX_ERRORS: the work and the errors kept are bounded
 * by the inputs' count, which `maxItems` bounds first.
 */
export function compileIntakeSchema({ schema }: { schema: object }): ValidateFunction {
  const validate = intakeAjv.compile(schema);
  const items = (schema as JsonSchema).properties?.inputs?.items;
  if (!items) return validate;
  const validateInput = intakeAjv.compile(items);
  const capped = ((data: unknown) => {
    capped.errors = null;
    const inputs = (data as { inputs?: unknown[] } | undefined)?.inputs ?? [];
    if (validate(data)) return true;
    const [first] = validate.errors ?? [];
    capped.errors =
      first && /^\/inputs\/\d+/.test(first.instancePath) ? firstErrorPerInput(validateInput, inputs) : (validate.errors ?? []);
    return false;
  }) as ValidateFunction;
  return capped;
}

function firstErrorPerInput(validateInput: ValidateFunction, inputs: unknown[]): ErrorObject[] {
  const errors: ErrorObject[] = [];
  for (let i = 0; i < inputs.length && errors.length < MAX_ERRORS; i++) {
    const [error] = validateInput(inputs[i]) ? [] : (validateInput.errors ?? []);
    if (error) errors.push({ ...error, instancePath: `/inputs/${i}${error.instancePath}` });
  }
  return errors;
}

/** `/inputs/2/properties/joinedAt` → `inputs[2].properties.joinedAt`. */
export function fieldName(instancePath: string, missing?: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (missing !== undefined) segments.push(missing);
  return segments.reduce(
    (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`),
    '',
  );
}

const CODES: Record<string, string> = {
  required: 'REQUIRED',
  type: 'INVALID_TYPE',
  enum: 'INVALID_ENUM',
  minLength: 'TOO_SHORT',
  maxLength: 'TOO_LONG',
  maxItems: 'TOO_MANY',
  maxProperties: 'TOO_MANY',
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
  for (let i = 0; i < inputs.length && details.length < MAX_ERRORS; i++) {
    const email = inputs[i]?.email;
    if (normalizeEmail(email) === undefined) {
      details.push({
        message: `Invalid email \`${email}\``,
        in: `inputs[${i}].email`,
        code: 'INVALID_EMAIL',
        subCategory: 'AttendanceValidationError.INVALID_EMAIL',
      });
    }
  }
  if (details.length === 0) return undefined;
  const [first] = details as [ErrorDetail];
  return new IntakeError(400, 'VALIDATION_ERROR', `Invalid input JSON at ${first.in}: ${first.message}`, { errors: details });
}
