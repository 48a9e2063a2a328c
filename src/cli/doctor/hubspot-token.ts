import { OAuthTokens, type OAuthCredentials } from '../../hubspot/oauth-tokens.js';
import { formPoster } from '../../hubspot/token-endpoint.js';
import { callJson, field, type HttpAnswer } from './http.js';
import { fail, ok, warn, type CheckResult, type DoctorContext } from './types.js';

export const WRITE_SCOPE = 'crm.objects.marketing_events.write';
const GROUP = 'hubspot';

/**
 * What a token may do, read from HubSpot's token-information endpoints (they read, never change):
 * - private-app tokens and Service Keys: `POST /oauth/v2/private-apps/get/access-token-info` with
 *   `{ "tokenKey": <token> }`, answering `{ userId, hubId, appId, scopes }`
 *   (https://developers.hubspot.com/docs/api/private-apps, "view access token information"; the
 *   endpoint named in HubSpot/hubspot-api-php#171);
 * - OAuth access tokens: `GET /oauth/v1/access-tokens/{token}`, answering `{ hub_id, scopes, expires_in, ... }`
 *   (https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/access-tokens/get-oauth-v1-access-tokens-token).
 * A static token may be either kind, so the private-app endpoint is asked first and the OAuth one second.
 */
export async function checkHubspotToken(context: DoctorContext): Promise<CheckResult[]> {
  const { hubspot } = context.config;
  const oauth = hubspot.oauth;
  if (oauth) return checkOauth(context, oauth);
  const token = hubspot.accessToken;
  if (!token) return []; // the sandbox: reported among the warnings
  const base = hubspot.baseUrl.replace(/\/+$/, '');
  const privateApp = await callJson(`${base}/oauth/v2/private-apps/get/access-token-info`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: { tokenKey: token },
    timeoutMs: context.timeoutMs,
  });
  if (!privateApp.ok) {
    return [
      fail(GROUP, `HubSpot did not answer at ${base} (${privateApp.reason})`, 'Check hubspot.baseUrl and that this host can reach it.'),
    ];
  }
  let answer: HttpAnswer = privateApp.answer;
  let kind = 'private-app token or Service Key';
  if (!isSuccess(answer)) {
    const asOauth = await callJson(`${base}/oauth/v1/access-tokens/${encodeURIComponent(token)}`, { timeoutMs: context.timeoutMs });
    if (asOauth.ok && isSuccess(asOauth.answer)) {
      answer = asOauth.answer;
      kind = 'OAuth access token';
    }
  }
  if (!isSuccess(answer)) {
    return [
      fail(
        GROUP,
        `HubSpot refused the token (HTTP ${answer.status}${errorCategory(answer.body)})`,
        `Create a Service Key (or use a private-app token) in HubSpot with ${WRITE_SCOPE} and set hubspot.accessToken (or the variable it names) to it.`,
      ),
    ];
  }
  return tokenFacts(context, token, kind, answer, {
    scopes: field(answer.body, 'scopes'),
    hubId: field(answer.body, 'hubId') ?? field(answer.body, 'hub_id'),
  });
}

/** `hubspot.oauth`: refresh exactly as delivery does (OAuthTokens), then read the new token's metadata. */
async function checkOauth(context: DoctorContext, oauth: OAuthCredentials): Promise<CheckResult[]> {
  const base = context.config.hubspot.baseUrl.replace(/\/+$/, '');
  const tokens = new OAuthTokens({ credentials: oauth, postForm: formPoster({ timeoutMs: context.timeoutMs }) });
  const refreshed = await tokens.token();
  if (!refreshed.ok) {
    const transient = refreshed.answer.kind === 'transient';
    const message = 'message' in refreshed.answer ? refreshed.answer.message : `HTTP ${refreshed.answer.status}`;
    return [
      fail(
        GROUP,
        transient ? `the OAuth refresh did not succeed (${message})` : message,
        transient
          ? 'Check hubspot.oauth.tokenUrl and that this host can reach it.'
          : 'Install the app again in HubSpot to get a new refresh token, and check hubspot.oauth.clientId and clientSecret.',
      ),
    ];
  }
  const accessToken = refreshed.token;
  const metadata = await callJson(`${base}/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`, { timeoutMs: context.timeoutMs });
  if (!metadata.ok || !isSuccess(metadata.answer)) {
    return [
      fail(
        GROUP,
        'HubSpot does not know the access token it just issued',
        'Check that hubspot.oauth.tokenUrl and hubspot.baseUrl are the same HubSpot.',
      ),
    ];
  }
  const { answer } = metadata;
  return [
    ok(GROUP, 'the OAuth refresh works'),
    ...tokenFacts(context, accessToken, 'OAuth access token', answer, {
      scopes: field(answer.body, 'scopes'),
      hubId: field(answer.body, 'hub_id'),
    }),
  ];
}

function tokenFacts(
  context: DoctorContext,
  token: string,
  kind: string,
  answer: HttpAnswer,
  read: { scopes: unknown; hubId: unknown },
): CheckResult[] {
  const scopes = Array.isArray(read.scopes) ? read.scopes.filter((s): s is string => typeof s === 'string') : [];
  const portalId = typeof read.hubId === 'number' ? read.hubId : Number(read.hubId);
  context.hubspot.token = token;
  context.hubspot.scopes = scopes;
  if (Number.isFinite(portalId)) context.hubspot.portalId = portalId;
  noteRateLimit(context, answer.headers);
  const results = [ok(GROUP, `HubSpot accepts the token (${kind})`)];
  results.push(
    scopes.includes(WRITE_SCOPE)
      ? ok(GROUP, `the token has ${WRITE_SCOPE}`)
      : fail(
          GROUP,
          `the token lacks ${WRITE_SCOPE} (it has: ${scopes.join(', ') || 'no scopes'})`,
          `Add the scope ${WRITE_SCOPE} to the app or Service Key in HubSpot and use the token it then shows.`,
        ),
  );
  results.push(
    Number.isFinite(portalId)
      ? ok(GROUP, `portal (hub id) ${portalId}`)
      : warn(GROUP, 'HubSpot did not say which portal the token belongs to'),
  );
  return results;
}

/** Keeps the first X-HubSpot-RateLimit-Max (and its interval) any HubSpot answer carried. */
export function noteRateLimit(context: DoctorContext, headers: Headers): void {
  if (context.hubspot.rateLimit) return;
  const max = Number(headers.get('x-hubspot-ratelimit-max'));
  if (!Number.isFinite(max) || max <= 0) return;
  const interval = Number(headers.get('x-hubspot-ratelimit-interval-milliseconds'));
  context.hubspot.rateLimit = { max, intervalMs: Number.isFinite(interval) && interval > 0 ? interval : undefined };
}

function isSuccess(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function errorCategory(body: unknown): string {
  const category = field(body, 'category');
  return typeof category === 'string' ? `, ${category}` : '';
}
