import type { ZoomApiConfig } from '../../sources/zoom/api/config.js';
import { ZoomApiError } from '../../sources/zoom/api/errors.js';
import { ZoomTokenCache } from '../../sources/zoom/api/token-cache.js';
import { fail, ok, type CheckResult, type DoctorContext } from './types.js';

const GROUP = 'sources';

/** What reconciliation reads: the participant reports, and the webinars' registrants. */
const NEEDED = ['report:read', 'webinar:read'];

/**
 * Zoom sources with `api`: the Server-to-Server OAuth app gets a token (`POST {oauthUrl}
 * ?grant_type=account_credentials&account_id=...` with HTTP Basic client id and secret, answering
 * `{ access_token, expires_in, scope }`: https://developers.zoom.us/docs/internal-apps/s2s-oauth/)
 * and its scopes cover the reports and registrants. Getting a token changes nothing in the account.
 * Zoom's scopes come classic (`report:read:admin`) or granular (`report:read:list_webinar_participants:admin`):
 * both start with the prefixes in NEEDED.
 */
export async function checkZoomApi(context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const source of context.config.sources) {
    const api = source.type === 'zoom' ? source.api : undefined;
    if (api) results.push(await checkOne(source.id, api, context.timeoutMs));
  }
  return results;
}

async function checkOne(id: string, api: ZoomApiConfig, timeoutMs: number): Promise<CheckResult> {
  // The token is asked for exactly as reconciliation asks for it (ZoomTokenCache).
  const tokens = new ZoomTokenCache({ ...api, oauthUrl: api.oauthUrl ?? 'https://zoom.us/oauth/token' });
  try {
    await tokens.get(AbortSignal.timeout(timeoutMs));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ZoomApiError && error.kind !== 'unavailable' && error.kind !== 'rate-limit') {
      return fail(
        GROUP,
        `${id}: Zoom refused the api credentials (${message})`,
        'Copy the Account ID, Client ID and Client Secret of an activated Server-to-Server OAuth app into the variables api names.',
      );
    }
    return fail(GROUP, `${id}: Zoom's token URL did not answer (${message})`, 'Check api.oauthUrl and that this host can reach zoom.us.');
  }
  const missing = NEEDED.filter((prefix) => !tokens.scopes.some((scope) => scope.startsWith(prefix)));
  return missing.length === 0
    ? ok(GROUP, `${id}: the Zoom api credentials get a token with the report and webinar read scopes`)
    : fail(
        GROUP,
        `${id}: the Zoom api token lacks ${missing.map((m) => `${m}:*`).join(' and ')}`,
        'Add report:read:admin and webinar:read:admin (or their granular scopes) to the Server-to-Server OAuth app in Zoom.',
      );
}
