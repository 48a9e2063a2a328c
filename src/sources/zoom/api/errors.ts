/**
 * A Zoom API call that failed. `kind` says what the caller can do:
 * - rate-limit: 429, wait `retryAfterMs` (Zoom's Retry-After, a date-time for daily limits) and retry;
 * - not-ready: 404, the report does not exist yet (reports appear some time after the end): retry later;
 * - scope: the app lacks a scope (e.g. report:read:admin): an operator must add it;
 * - refused: any other 4xx, Zoom's message kept: retrying cannot help;
 * - unavailable: no answer, or 5xx: retry with backoff.
 */
export type ZoomApiErrorKind = 'rate-limit' | 'not-ready' | 'scope' | 'refused' | 'unavailable';

export class ZoomApiError extends Error {
  constructor(
    readonly kind: ZoomApiErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ZoomApiError';
  }
}

/**
 * Zoom's error body is `{ "code": <number>, "message": "..." }` (Zoom API reference, Error
 * definitions, https://developers.zoom.us/docs/api/rest/error-definitions/). A missing scope is
 * answered with a message naming the scopes ("Invalid access token, does not contain scopes: [...]").
 */
export function zoomErrorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; reason?: unknown };
    if (typeof body.message === 'string')
      return `Zoom ${status}${body.code !== undefined ? ` (code ${String(body.code)})` : ''}: ${body.message}`;
    // The OAuth endpoint's refusals read `{ "reason": "Invalid client_id or client_secret", "error": "invalid_client" }`.
    if (typeof body.reason === 'string') return `Zoom ${status}: ${body.reason}`;
  } catch {
    // not JSON: the text itself, shortened below
  }
  return `Zoom ${status}: ${text.slice(0, 300) || 'no message'}`;
}

export const isScopeMessage = (message: string) => /scope/i.test(message);
