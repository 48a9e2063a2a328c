import type { FastifyPluginAsync } from 'fastify';
import type { PortalState } from './portal.js';
import { SIM_APP_ID, SIM_USER_ID } from './portal.js';
import { authenticationError } from './responses.js';
import type { SimulatorState } from './state.js';

/**
 * HubSpot's token-information endpoints (reads; they change nothing and count toward no limit here):
 * - `POST /oauth/v2/private-apps/get/access-token-info` with `{ "tokenKey": "<token>" }`, for
 *   private-app tokens and Service Keys, answering `{ userId, hubId, appId, scopes }`
 *   (https://developers.hubspot.com/docs/api/private-apps; HubSpot/hubspot-api-php#171);
 * - `GET /oauth/v1/access-tokens/{token}`, for OAuth access tokens, answering `{ token, user,
 *   hub_domain, scopes, hub_id, app_id, expires_in, user_id, token_type }`
 *   (https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/access-tokens/get-oauth-v1-access-tokens-token).
 * Assumed (HubSpot does not document it): an unknown or revoked token gets 401 from the first and
 * 404 from the second, each with HubSpot's usual error body; a token marked `oauth` in the table
 * is refused by the private-app endpoint (it is no private app's), the others answer both.
 */
export const tokenInfoRoutes: FastifyPluginAsync<{ state: SimulatorState; portal: PortalState }> = async (app, { state, portal }) => {
  app.post<{ Body: { tokenKey?: unknown } }>('/oauth/v2/private-apps/get/access-token-info', async (request, reply) => {
    const token = typeof request.body?.tokenKey === 'string' ? request.body.tokenKey : undefined;
    const found = token === undefined ? undefined : state.tokens[token];
    const grant = found?.oauth ? undefined : found; // an OAuth access token is not a private app's
    portal.logRead({ method: 'POST', path: request.url, status: grant ? 200 : 401 });
    if (!grant) return reply.code(401).send(authenticationError());
    return { userId: SIM_USER_ID, hubId: portal.hubId, appId: SIM_APP_ID, scopes: grant.scopes };
  });

  app.get<{ Params: { token: string } }>('/oauth/v1/access-tokens/:token', async (request, reply) => {
    const { token } = request.params;
    const grant = state.tokens[token];
    portal.logRead({ method: 'GET', path: '/oauth/v1/access-tokens/{token}', status: grant ? 200 : 404 });
    if (!grant)
      return reply.code(404).send({ ...authenticationError(), category: 'OBJECT_NOT_FOUND', message: 'The access token was not found' });
    return {
      token,
      user: 'simulator@example.com',
      hub_domain: `sim-${portal.hubId}.hubspot.com`,
      scopes: grant.scopes,
      hub_id: portal.hubId,
      app_id: SIM_APP_ID,
      expires_in: 1800,
      user_id: SIM_USER_ID,
      token_type: 'access',
    };
  });
};
