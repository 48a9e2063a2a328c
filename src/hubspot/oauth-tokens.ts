import type { AccessTokenSource, TokenResult } from './access-token.js';
import type { HubspotAnswer } from './types.js';

export interface OAuthCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl: string;
}

/** The token endpoint's answer, as read off the wire. */
export interface TokenEndpointAnswer {
  status: number;
  body: unknown;
}

/** Posts a form to the token endpoint; rejects on network trouble or a timeout. */
export type PostForm = (url: string, form: URLSearchParams) => Promise<TokenEndpointAnswer>;

export interface OAuthTokensOptions {
  credentials: OAuthCredentials;
  postForm: PostForm;
  /** The clock (a fake one in tests). */
  now?: () => number;
}

/** Refresh this long before expiry at most: a call that starts just before expiry must not arrive just after. */
const MAX_EARLY_MS = 5 * 60_000;

/** The category an access-token refusal carries in the auth pause (and on /readyz, /status). */
export const REFRESH_REFUSED = 'OAUTH_REFRESH_REFUSED';

/**
 * An OAuth access token kept fresh with the refresh_token grant, as HubSpot documents it:
 * `POST /oauth/v1/token`, form-encoded `grant_type=refresh_token`, `client_id`, `client_secret`,
 * `refresh_token`; the answer carries `access_token` and its lifetime `expires_in` (seconds).
 * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide
 * https://developers.hubspot.com/docs/methods/OAuth2/refresh-access-token
 * Each process (each replica) holds its own access token; refreshes are one at a time.
 */
export class OAuthTokens implements AccessTokenSource {
  private access: { token: string; refreshAt: number } | undefined;
  private refreshing: Promise<TokenResult> | undefined;
  private refreshToken: string;
  private readonly now: () => number;

  constructor(private readonly options: OAuthTokensOptions) {
    this.refreshToken = options.credentials.refreshToken;
    this.now = options.now ?? Date.now;
  }

  async token(): Promise<TokenResult> {
    if (this.access && this.now() < this.access.refreshAt) return { ok: true, token: this.access.token };
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  refused(token: string): boolean {
    if (this.access?.token === token) this.access = undefined;
    return true;
  }

  private async refresh(): Promise<TokenResult> {
    const { clientId, clientSecret, tokenUrl } = this.options.credentials;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: this.refreshToken,
    });
    const started = this.now();
    let answer: TokenEndpointAnswer;
    try {
      answer = await this.options.postForm(tokenUrl, form);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { ok: false, answer: { kind: 'transient', message: `OAuth token refresh failed: ${reason}` } };
    }
    const granted = readGrant(answer.body);
    if (answer.status >= 200 && answer.status < 300 && granted) {
      const lifetimeMs = granted.expiresIn * 1000;
      const early = Math.min(MAX_EARLY_MS, lifetimeMs / 2);
      this.access = { token: granted.accessToken, refreshAt: started + lifetimeMs - early };
      if (granted.refreshToken) this.refreshToken = granted.refreshToken;
      return { ok: true, token: granted.accessToken };
    }
    return { ok: false, answer: refusalAnswer(answer) };
  }
}

/** `access_token`/`expires_in` (HubSpot's v1 answer) or `accessToken`/`expiresIn` (its newer reference pages). */
function readGrant(body: unknown): { accessToken: string; expiresIn: number; refreshToken?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const accessToken = b.access_token ?? b.accessToken;
  const expiresIn = Number(b.expires_in ?? b.expiresIn);
  const refreshToken = b.refresh_token ?? b.refreshToken;
  if (typeof accessToken !== 'string' || accessToken === '' || !(expiresIn > 0)) return undefined;
  return { accessToken, expiresIn, refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : undefined };
}

/**
 * A refusal the same credentials will keep getting (400/401/403: invalid_grant, a revoked or unknown
 * refresh token, a wrong client secret) pauses delivery like a refused access token; anything else
 * (429, 5xx, an answer without a token) is retried like a HubSpot outage.
 */
function refusalAnswer({ status, body }: TokenEndpointAnswer): HubspotAnswer {
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = String(b.error ?? b.status ?? b.category ?? '');
  const detail = String(b.error_description ?? b.message ?? '').slice(0, 200);
  const message = `OAuth token refresh refused (HTTP ${status}${code ? ` ${code}` : ''})${detail ? `: ${detail}` : ''}`;
  if (status === 400 || status === 401 || status === 403) {
    return { kind: 'auth', status, category: REFRESH_REFUSED, message, scopes: [] };
  }
  return { kind: 'transient', status, message };
}
