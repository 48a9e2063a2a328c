import type { ContactDetails } from './facts.js';

// Deliberately loose: HubSpot is the authority on what it accepts, and it reports
// invalid addresses per input. This only keeps obvious non-addresses out.
// One "@" and no blanks: neither part can match "@", so there is one way to match (linear time).
const EMAIL_SHAPE = /^[^\s@]+@([^\s@]+)$/u;
/** RFC 5321: a forward path holds at most 256 characters, angle brackets included. */
export const MAX_EMAIL_LENGTH = 254;

/** Trims and lower-cases an email; undefined when there is no plausible address. */
export function normalizeEmail(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  // Checked before any pattern runs: the work on a given text never grows past this.
  if (trimmed.length > MAX_EMAIL_LENGTH) return undefined;
  const email = trimmed.toLowerCase();
  // The domain has a dot with something on either side.
  const domain = EMAIL_SHAPE.exec(email)?.[1];
  return domain !== undefined && domain.slice(1, -1).includes('.') ? email : undefined;
}

/** Text of a value, trimmed; undefined for null, undefined and blank. */
export function clean(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** "Ada King Lovelace" → first "Ada", last "King Lovelace". */
export function splitFullName(fullName: string | undefined): { firstName?: string; lastName?: string } {
  const parts = clean(fullName)?.split(/\s+/u) ?? [];
  if (parts.length === 0) return {};
  const [firstName, ...rest] = parts;
  return rest.length > 0 ? { firstName, lastName: rest.join(' ') } : { firstName };
}

/** The non-empty values of `properties`, trimmed. */
function cleanProperties(properties: Record<string, unknown> | undefined): Record<string, string> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties ?? {})) {
    const text = clean(value);
    if (text !== undefined) cleaned[key] = text;
  }
  return cleaned;
}

/** HubSpot contact properties (internal names) for a contact, strings only, empty values left out. */
export function contactProperties(contact: ContactDetails): Record<string, string> {
  const hasNames = clean(contact.firstName) !== undefined || clean(contact.lastName) !== undefined;
  const names = hasNames ? contact : splitFullName(contact.fullName);
  return {
    ...cleanProperties(contact.otherProperties),
    ...cleanProperties({
      firstname: names.firstName,
      lastname: names.lastName,
      company: contact.company,
      jobtitle: contact.jobTitle,
      phone: contact.phone,
      city: contact.city,
      country: contact.country,
    }),
  };
}

/** Fills gaps in `primary` from `fallback` (e.g. a participant from its earlier registration). */
export function mergeContacts(primary: ContactDetails, fallback: ContactDetails | undefined): ContactDetails {
  if (!fallback) return primary;
  const { otherProperties: primaryOther, ...primaryFields } = primary;
  const merged: ContactDetails = { ...fallback };
  for (const [key, value] of Object.entries(primaryFields) as Array<[keyof typeof primaryFields, string | undefined]>) {
    if (clean(value) !== undefined) merged[key] = value;
  }
  const other = { ...cleanProperties(fallback.otherProperties), ...cleanProperties(primaryOther) };
  if (Object.keys(other).length > 0) merged.otherProperties = other;
  return merged;
}
