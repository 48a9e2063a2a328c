import type { HubspotConfig } from './schema.js';

/**
 * Which HubSpot credential a configuration holds: a fixed token (`hubspot.accessToken`: a Service
 * Key or a legacy private-app token) or OAuth (`hubspot.oauth`), never both. A blank token counts
 * as unset. Returns the problems and whether any credential is set (none: the sandbox).
 */
export function hubspotCredentialProblems(
  hubspot: Partial<HubspotConfig> | undefined,
  env: NodeJS.ProcessEnv,
): { problems: string[]; hasCredential: boolean } {
  const token = typeof hubspot?.accessToken === 'string' ? hubspot.accessToken.trim() : undefined;
  if (hubspot) hubspot.accessToken = token || undefined;
  const oauth = hubspot?.oauth !== undefined;
  const problems: string[] = [];
  if (token && oauth) {
    problems.push(
      'hubspot.accessToken and hubspot.oauth: set one, not both (a Service Key or private-app token in accessToken, or an OAuth app in oauth; HUBSPOT_ACCESS_TOKEN sets accessToken)',
    );
  }
  if (!token && !oauth && env.NODE_ENV === 'production') {
    problems.push('hubspot.accessToken: required when NODE_ENV=production (set HUBSPOT_ACCESS_TOKEN), or hubspot.oauth for an OAuth app');
  }
  const tokenUrl = hubspot?.oauth?.tokenUrl;
  if (typeof tokenUrl === 'string' && env.NODE_ENV === 'production' && tokenUrl.startsWith('http:')) {
    let host = '';
    try {
      host = new URL(tokenUrl).hostname;
    } catch {
      // reported by the schema
    }
    const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(host);
    if (host && !loopback && !(hubspot?.allowHttpHosts ?? []).includes(host)) {
      problems.push(
        `hubspot.oauth.tokenUrl: plain http to ${host} would send the client secret and refresh token in clear text (NODE_ENV=production): use https, or list a simulator's host in hubspot.allowHttpHosts`,
      );
    }
  }
  return { problems, hasCredential: Boolean(token) || oauth };
}
