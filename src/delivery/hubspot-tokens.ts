import type { HubspotConfig } from '../config/schema.js';
import { StaticToken, type AccessTokenSource } from '../hubspot/access-token.js';
import { OAuthTokens } from '../hubspot/oauth-tokens.js';
import { formPoster } from '../hubspot/token-endpoint.js';

/** The bearer-token source the configuration names: OAuth when `hubspot.oauth` is set, else the fixed `accessToken`. */
export function tokenSourceFor(hubspot: Pick<HubspotConfig, 'accessToken' | 'oauth' | 'requestTimeoutMs'>): AccessTokenSource {
  if (hubspot.oauth) {
    return new OAuthTokens({ credentials: hubspot.oauth, postForm: formPoster({ timeoutMs: hubspot.requestTimeoutMs }) });
  }
  return new StaticToken(hubspot.accessToken ?? '');
}
