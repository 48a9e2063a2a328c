import type { SourceConfig } from '../../config/schema.js';
import { fail, ok, type CheckResult, type DoctorContext } from './types.js';

const GROUP = 'sources';

/** A Zoom source's `api` block (issue 18, pinned; absent from today's schema, so skipped until it exists). */
interface ZoomApiSettings {
  accountId: string;
  clientId: string;
  clientSecret: string;
  oauthUrl?: string;
}

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
    const api = source.type === 'zoom' ? (source as SourceConfig & { api?: ZoomApiSettings }).api : undefined;
    if (api) results.push(await checkOne(source.id, api, context.timeoutMs));
  }
  return results;
}

async function checkOne(id: string, api: ZoomApiSettings, timeoutMs: number): Promise<CheckResult> {
  const url = new URL(api.oauthUrl ?? 'https://zoom.us/oauth/token');
  url.searchParams.set('grant_type', 'account_credentials');
  url.searchParams.set('account_id', api.accountId);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${api.clientId}:${api.clientSecret}`).toString('base64')}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return fail(
      GROUP,
      `${id}: Zoom's token URL did not answer (${(error as Error).name})`,
      'Check api.oauthUrl and that this host can reach zoom.us.',
    );
  }
  const body = (await response.json().catch(() => undefined)) as { access_token?: unknown; scope?: unknown; reason?: unknown } | undefined;
  if (!response.ok || typeof body?.access_token !== 'string') {
    return fail(
      GROUP,
      `${id}: Zoom refused the api credentials (HTTP ${response.status}${typeof body?.reason === 'string' ? `, ${body.reason}` : ''})`,
      'Copy the Account ID, Client ID and Client Secret of an activated Server-to-Server OAuth app into the variables api names.',
    );
  }
  const scopes = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : [];
  const missing = NEEDED.filter((prefix) => !scopes.some((scope) => scope.startsWith(prefix)));
  return missing.length === 0
    ? ok(GROUP, `${id}: the Zoom api credentials get a token with the report and webinar read scopes`)
    : fail(
        GROUP,
        `${id}: the Zoom api token lacks ${missing.map((m) => `${m}:*`).join(' and ')}`,
        'Add report:read:admin and webinar:read:admin (or their granular scopes) to the Server-to-Server OAuth app in Zoom.',
      );
}
