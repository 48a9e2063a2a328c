/** The longest `Prefer: wait=N` honoured, in seconds. */
export const MAX_WAIT_SECONDS = 30;

/**
 * The `wait` preference of RFC 7240 (`Prefer: wait=10`, possibly among others such as
 * `respond-async, wait=10`), capped at MAX_WAIT_SECONDS; undefined when absent, 0 or not a number.
 */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const preference of text.split(',')) {
    const [token = ''] = preference.split(';');
    const at = token.indexOf('=');
    if (at < 0 || token.slice(0, at).trim().toLowerCase() !== 'wait') continue;
    const value = token
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (!/^\d{1,9}$/.test(value)) return undefined;
    const seconds = Math.min(Number(value), MAX_WAIT_SECONDS);
    return seconds > 0 ? seconds : undefined;
  }
  return undefined;
}
