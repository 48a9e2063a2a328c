import { ZoomApiError, isScopeMessage, zoomErrorMessage } from './errors.js';

export interface TokenSettings {
  accountId: string;
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
}

/** A token is taken as expired this long before Zoom's `expires_in` runs out (a call in flight must not carry a dead token). */
export const TOKEN_MARGIN_MS = 60_000;

/**
 * Server-to-Server OAuth access tokens (https://developers.zoom.us/docs/internal-apps/s2s-oauth/):
 * `POST {oauthUrl}?grant_type=account_credentials&account_id=…` with HTTP Basic clientId:clientSecret
 * answers `{access_token, token_type: "bearer", expires_in: 3600, scope}`; there is no refresh token,
 * so a new one is asked for the same way. Cached until shortly before it expires; `invalidate()`
 * after a 401. The secret never leaves this object (not in errors, not in logs).
 */
export class ZoomTokenCache {
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private granted: string[] = [];

  constructor(
    private readonly settings: TokenSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async get(signal?: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > this.now()) return this.token.value;
    // Callers waiting at the same moment share one token request.
    this.pending ??= this.fetchToken(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The scopes Zoom granted with the last token (its `scope`, space-separated). */
  get scopes(): readonly string[] {
    return this.granted;
  }

  invalidate(): void {
    this.token = undefined;
  }

  private async fetchToken(signal?: AbortSignal): Promise<string> {
    const { accountId, clientId, clientSecret, oauthUrl } = this.settings;
    const url = new URL(oauthUrl);
    url.searchParams.set('grant_type', 'account_credentials');
    url.searchParams.set('account_id', accountId);
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { authorization: `Basic ${basic}` }, signal });
    } catch (error) {
      throw new ZoomApiError('unavailable', `Zoom token request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) {
      const message = `token: ${zoomErrorMessage(response.status, text)}`;
      if (response.status === 429) throw new ZoomApiError('rate-limit', message, 429);
      if (response.status >= 500) throw new ZoomApiError('unavailable', message, response.status);
      throw new ZoomApiError(isScopeMessage(message) ? 'scope' : 'refused', message, response.status);
    }
    const body = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown; scope?: unknown };
    if (typeof body.access_token !== 'string') throw new ZoomApiError('unavailable', 'Zoom token answer has no access_token');
    const expiresInS = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.token = { value: body.access_token, expiresAt: this.now() + expiresInS * 1000 };
    this.granted = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : [];
    return body.access_token;
  }
}
