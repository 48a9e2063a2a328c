/**
 * An address in free text: a local part of at most 64 characters (RFC 5321), "@", a domain of at
 * most 255. The bounds keep the work per start position constant: unbounded runs made the search
 * quadratic on a long text without "@" (every start scanned to the end of the run).
 */
const EMAIL_IN_TEXT = /[^\s@`'"<>(),;:]{1,64}@([^\s@`'"<>(),;:]{1,255})/gu;
/** Free text is cut to this many characters before it is masked (and logged). */
export const MAX_MASKED_TEXT = 2000;

/** "ada.lovelace@example.com" → "a***@example.com": enough to correlate, not enough to identify. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks every email address found inside free text (e.g. HubSpot error messages), cut to MAX_MASKED_TEXT characters first. */
export function maskEmailsIn(text: string): string {
  const cut =
    text.length > MAX_MASKED_TEXT ? `${text.slice(0, MAX_MASKED_TEXT)}… (${text.length - MAX_MASKED_TEXT} more characters)` : text;
  // Only a domain with a dot inside (not first, not last) makes it an address.
  return cut.replace(EMAIL_IN_TEXT, (match, domain: string) => (domain.slice(1, -1).includes('.') ? maskEmail(match) : match));
}
