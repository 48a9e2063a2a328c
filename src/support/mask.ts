const EMAIL_IN_TEXT = /([^\s@`'"<>(),;:]+)@([^\s@`'"<>(),;:]+\.[^\s@`'"<>(),;:]+)/gu;

/** "ada.lovelace@example.com" → "a***@example.com": enough to correlate, not enough to identify. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks every email address found inside free text (e.g. HubSpot error messages). */
export function maskEmailsIn(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (match) => maskEmail(match));
}
