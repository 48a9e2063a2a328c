import { maskEmailsIn } from '../../support/mask.js';

const NUMERIC = /^-?\d+(\.\d+)?$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;
/** Epoch values below this are seconds (year 5138 in seconds; 1973 in milliseconds); above, milliseconds. */
const SECONDS_BELOW = 1e11;
const MAX_EPOCH_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/**
 * A time as epoch milliseconds: ISO-8601 (a time without a zone is read as UTC, so the result never
 * depends on the server's time zone) or epoch seconds / milliseconds, as a number or a numeric
 * string, told apart by magnitude. Undefined when the value is none of those.
 */
export function parseTime(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim()))) {
    const n = Number(value);
    ms = Math.abs(n) < SECONDS_BELOW ? n * 1000 : n;
  } else if (typeof value === 'string' && ISO_DATE_TIME.test(value.trim())) {
    const text = value.trim().replace(' ', 'T');
    const dateOnly = text.length === 10;
    ms = Date.parse(dateOnly || HAS_ZONE.test(text) ? text : `${text}Z`);
  } else {
    return undefined;
  }
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_EPOCH_MS ? Math.round(ms) : undefined;
}

/** A scalar as text (numbers and booleans stringified); undefined for objects, arrays and blanks. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Any value as text for a HubSpot property (all of which are strings): lists joined, objects as JSON. */
export function propertyText(value: unknown): string | undefined {
  const scalar = scalarText(value);
  if (scalar !== undefined) return scalar;
  if (Array.isArray(value)) {
    const parts = value.map(propertyText).filter((part): part is string => part !== undefined);
    return parts.length > 0 ? parts.join(', ') : undefined;
  }
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return undefined;
}

/** A found value for an error message: short, and with any email address masked. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return maskEmailsIn(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
