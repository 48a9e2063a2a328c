import type { RelayConfig, SourceConfig } from '../../config/schema.js';
import { warn, type CheckResult, type DoctorContext } from './types.js';

const GROUP = 'warnings';

/** The newest HubSpot date version of the Marketing Events API (issue 19: 2026-03 and 2026-09 exist). */
import { LATEST_DATE_VERSION } from '../../hubspot/api-paths.js';

/**
 * How old a webhook this source still accepts (its replay window), in seconds: a signed timestamp's
 * tolerance, or the oldest body time accepted. Eventbrite has none (it signs nothing).
 */
export function replayWindowSeconds(source: SourceConfig): number {
  switch (source.type) {
    case 'zoom':
      return source.timestampToleranceSeconds;
    case 'tito':
      return (source.maxBodyAgeHours ?? 0) * 3600;
    case 'luma':
    case 'livestorm':
      return source.toleranceSeconds;
    case 'generic':
      return Math.max(source.verify.toleranceSeconds, (source.verify.maxBodyAgeHours ?? 0) * 3600);
    default:
      return 0;
  }
}

/** Things that work but are probably not meant: each a `!` line, never a failure. */
export async function checkWarnings(context: DoctorContext): Promise<CheckResult[]> {
  const { config } = context;
  const results: CheckResult[] = [];
  if (config.sandbox)
    results.push(
      warn(
        GROUP,
        'sandbox mode: no HubSpot token, deliveries go to the built-in simulator',
        'Set hubspot.accessToken (or hubspot.oauth) to go live.',
      ),
    );
  const insecure = plainHttpOutsideSandbox(config);
  if (insecure) results.push(insecure);
  if (!config.admin.token)
    results.push(
      warn(
        GROUP,
        'admin.token is unset: no console, no /status, no admin API',
        'Set admin.token to a random secret of 16+ characters (e.g. ${RELAY_ADMIN_TOKEN}).',
      ),
    );
  const retentionSeconds = config.store.retentionDays * 86_400;
  for (const source of config.sources) {
    const window = replayWindowSeconds(source);
    if (window > retentionSeconds)
      results.push(
        warn(
          GROUP,
          `store.retentionDays (${config.store.retentionDays}) is shorter than ${source.id}'s replay window (${window / 3600} h): a replay older than the retention would be taken as new`,
          `Raise store.retentionDays above ${Math.ceil(window / 86_400)} day(s), or shorten ${source.id}'s window.`,
        ),
      );
  }
  const apiVersion = config.hubspot.apiVersion;
  if (apiVersion === 'v3')
    results.push(
      warn(
        GROUP,
        `hubspot.apiVersion is v3: HubSpot stops supporting numbered versions in September 2027`,
        `Set hubspot.apiVersion to ${LATEST_DATE_VERSION}.`,
      ),
    );
  return results;
}

function plainHttpOutsideSandbox(config: RelayConfig): CheckResult | undefined {
  if (config.sandbox || !config.hubspot.baseUrl.startsWith('http:')) return undefined;
  return warn(
    GROUP,
    `hubspot.baseUrl is plain http (${config.hubspot.baseUrl}): the token travels unencrypted`,
    'Use https, unless this is a simulator on a trusted network.',
  );
}
