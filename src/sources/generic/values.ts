import { maskEmailsIn } from '../../support/mask.js';

const NUMERIC = /^-?\d+(\.\d+)?$/;
/**
 * A date, optionally a time, optionally a zone: `Z`, `UTC`/`GMT`, or an offset `+02:00`, `+0200`,
 * `+02`, possibly after a space (Tito sends `2022-03-26 07:36:07 UTC`; Ruby's default form is
 * `2022-03-26 07:36:07 +0000`). Groups: date, time, zone.
 */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
/**
 * Epoch values below this are seconds, above it milliseconds: 1e11 seconds is the year 5138, 1e11
 * milliseconds is 1973-03-03, so no time a webhook sends is misread (only milliseconds before 1973).
 */
const SECONDS_BELOW = 1e11;
const MAX_EPOCH_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** A zone as ISO-8601 writes it: `Z` or `±HH:MM`. No zone at all is UTC. */
function isoZone(zone: string | undefined): string {
  if (zone === undefined || /^(Z|UTC|GMT)$/i.test(zone)) return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2) || '00'}`;
}

/**
 * A time as epoch milliseconds, or undefined when the value is none of these forms:
 * - ISO-8601 (`2026-11-20T15:00:00Z`, `...+02:00`, `...+0200`, a space for the `T`); a time
 *   **without a zone is read as UTC**, so the result never depends on the server's time zone;
 * - `YYYY-MM-DD HH:MM:SS UTC` and `YYYY-MM-DD HH:MM:SS ±HHMM`;
 * - a date alone (midnight UTC);
 * - epoch seconds or milliseconds, as a number or a numeric string, told apart by magnitude
 *   (see SECONDS_BELOW).
 */
export function parseTime(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim()))) {
    const n = Number(value);
    ms = Math.abs(n) < SECONDS_BELOW ? n * 1000 : n;
  } else if (typeof value === 'string') {
    const match = DATE_TIME.exec(value.trim());
    if (!match) return undefined;
    const [, date, time, zone] = match;
    ms = Date.parse(`${date}T${time ?? '00:00'}${isoZone(zone)}`);
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
