import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { SimulatorState } from './state.js';
import { WRITE_SCOPE } from './types.js';

/**
 * HubSpot's OAuth token endpoint, refresh_token grant only: `POST /oauth/v1/token`, form-encoded
 * `grant_type=refresh_token`, `client_id`, `client_secret`, `refresh_token`; the answer is
 * `{ token_type, refresh_token, access_token, expires_in }` (seconds).
 * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide
 * https://developers.hubspot.com/docs/methods/OAuth2/refresh-access-token
 * The access tokens it issues are accepted by the attendance routes until they expire.
 */

export interface OAuthAppOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Lifetime of the access tokens it issues (HubSpot's: 1800 s); short ones exercise the refresh. */
  expiresInSeconds?: number;
  scopes?: string[];
}

export const DEFAULT_OAUTH_APP: OAuthAppOptions = {
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
  refreshToken: 'sim-refresh-token',
  expiresInSeconds: 1800,
};

/** What a test can do to the simulated OAuth app. */
export interface OAuthControl {
  /** From now on, refresh requests are refused with invalid_grant (true) or granted again (false). */
  refuse(refusing: boolean): void;
  /** Every access token issued so far expires now (the next call with one gets 401). */
  expireIssued(): void;
  /** Access tokens issued so far, oldest first. */
  issued(): string[];
  /** Token requests answered so far, by outcome. */
  requests(): Array<{ at: number; outcome: 'granted' | 'refused' }>;
}

type TokenAnswer = { status: number; body: Record<string, unknown> };

export class OAuthApp implements OAuthControl {
  private refusing = false;
  private readonly tokens: string[] = [];
  private readonly answered: Array<{ at: number; outcome: 'granted' | 'refused' }> = [];

  constructor(
    private readonly state: SimulatorState,
    private readonly options: OAuthAppOptions = DEFAULT_OAUTH_APP,
  ) {}

  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  expireIssued(): void {
    const now = Date.now();
    for (const token of this.tokens) {
      const grant = this.state.tokens[token];
      if (grant) grant.expiresAt = now;
    }
  }

  issued(): string[] {
    return [...this.tokens];
  }

  requests(): Array<{ at: number; outcome: 'granted' | 'refused' }> {
    return structuredClone(this.answered);
  }

  /** Answers one token request. */
  exchange(form: URLSearchParams): TokenAnswer {
    const answer = this.decide(form);
    this.answered.push({ at: Date.now(), outcome: answer.status === 200 ? 'granted' : 'refused' });
    return answer;
  }

  private decide(form: URLSearchParams): TokenAnswer {
    if (form.get('grant_type') !== 'refresh_token') {
      return refusal('unsupported_grant_type', 'BAD_GRANT_TYPE', 'only grant_type=refresh_token is simulated');
    }
    if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
      return refusal('invalid_client', 'BAD_CLIENT_ID', 'missing or unknown client id, or wrong client secret');
    }
    if (this.refusing || form.get('refresh_token') !== this.options.refreshToken) {
      return refusal('invalid_grant', 'BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    }
    const expiresIn = this.options.expiresInSeconds ?? 1800;
    const accessToken = `sim-oauth-${this.tokens.length + 1}-${randomBytes(12).toString('base64url')}`;
    this.state.tokens[accessToken] = { scopes: this.options.scopes ?? [WRITE_SCOPE], expiresAt: Date.now() + expiresIn * 1000 };
    this.tokens.push(accessToken);
    return {
      status: 200,
      body: { token_type: 'bearer', refresh_token: this.options.refreshToken, access_token: accessToken, expires_in: expiresIn },
    };
  }
}

/**
 * A refused token request: 400 with HubSpot's reported `status`/`message` pair (BAD_REFRESH_TOKEN:
 * https://integrate.hubspot.com/t/what-to-do-when-you-suddenly-get-bad-refresh-token-when-trying-to-refresh-an-access-token/5490)
 * and RFC 6749 §5.2's `error` code (https://www.rfc-editor.org/rfc/rfc6749#section-5.2), since
 * reports of HubSpot's body differ.
 */
function refusal(error: string, status: string, message: string): TokenAnswer {
  return { status: 400, body: { status, message, error, error_description: message } };
}

/**
 * HubSpot's 401 for an expired OAuth access token (category EXPIRED_AUTHENTICATION), as reported at
 * https://useparagon.com/integration-error-solutions/hubspot-the-oauth-token-used-to-make-this-call-expired
 */
export function expiredAuthentication(expiredAt: number, now: number): Record<string, unknown> {
  const minutes = Math.floor((now - expiredAt) / 60_000);
  return {
    status: 'error',
    message: `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
    category: 'EXPIRED_AUTHENTICATION',
  };
}

/** `POST /oauth/v1/token`, and `PUT /_simulator/oauth` ({ refusing }) to refuse refreshes from another process. */
export const oauthRoutes: FastifyPluginAsync<{ oauth: OAuthApp }> = async (app, { oauth }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, text, done) =>
    done(null, new URLSearchParams(String(text))),
  );
  app.post('/oauth/v1/token', async (request, reply) => {
    const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    const answer = oauth.exchange(form);
    return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
  });
  app.put<{ Body: { refusing: boolean } }>(
    '/_simulator/oauth',
    { schema: { body: { type: 'object', required: ['refusing'], properties: { refusing: { type: 'boolean' } } } } },
    async (request) => {
      oauth.refuse(request.body.refusing);
      return { ok: true };
    },
  );
};
