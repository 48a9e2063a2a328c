import { demoTermsHold, placeholderProblems } from '../../config/placeholders.js';
import type { SourceConfig } from '../../config/schema.js';
import { MIN_SECRET_LENGTH } from '../../sources/common-config.js';
import { callJson, field } from './http.js';
import { fail, ok, warn, type CheckResult, type DoctorContext } from './types.js';

const GROUP = 'sources';

/** The secrets a source shares with its platform (Eventbrite's apiToken is a credential for its API, checked by calling it). */
export function sourceSecrets(source: SourceConfig): Array<{ key: string; value: string | undefined }> {
  switch (source.type) {
    case 'zoom':
      return [{ key: 'secretToken', value: source.secretToken }];
    case 'eventbrite':
      return [{ key: 'webhookToken', value: source.webhookToken }];
    case 'generic':
      return [
        { key: 'verify.secret', value: source.verify.secret },
        { key: 'verify.token', value: source.verify.token },
      ].filter((s) => s.value !== undefined);
    default:
      return [{ key: 'secret', value: source.secret }];
  }
}

/**
 * Each source's secrets against the rules the configuration loader applies (MIN_SECRET_LENGTH, and
 * never a value this repository publishes): the same functions, not a second copy of the rule.
 */
export async function checkSourceSecrets(context: DoctorContext): Promise<CheckResult[]> {
  const { config } = context;
  const demo = demoTermsHold({ sandbox: config.sandbox, hubspotBaseUrl: config.hubspot.baseUrl });
  return config.sources.map((source) => {
    const secrets = sourceSecrets(source);
    const short = secrets.filter((s) => (s.value ?? '').length < MIN_SECRET_LENGTH).map((s) => s.key);
    const published = placeholderProblems(Object.fromEntries(secrets.map((s) => [s.key, s.value])), demo);
    if (short.length > 0)
      return fail(
        GROUP,
        `${source.id}: ${short.join(', ')} shorter than ${MIN_SECRET_LENGTH} characters`,
        'Generate a longer secret (e.g. openssl rand -hex 24) and set it on both sides.',
      );
    if (published.length > 0)
      return fail(
        GROUP,
        `${source.id}: ${published[0]}`,
        'Generate a secret of your own (e.g. openssl rand -hex 24) and set it on both sides.',
      );
    return ok(GROUP, `${source.id}: ${secrets.map((s) => s.key).join(', ')} meet the minimum strength`);
  });
}

/**
 * Eventbrite: the organizer's token is accepted (`GET /users/me/`) and sees each mapped event
 * (`GET /events/{id}/`), both reads of Eventbrite's API v3 reference (https://www.eventbrite.com/platform/api:
 * Users → "Retrieve your User", Events → "Retrieve an Event").
 */
export async function checkEventbrite(context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const source of context.config.sources) {
    if (source.type !== 'eventbrite') continue;
    const base = source.apiBaseUrl.replace(/\/+$/, '');
    const headers = { authorization: `Bearer ${source.apiToken}` };
    const me = await callJson(`${base}/users/me/`, { headers, timeoutMs: context.timeoutMs });
    if (!me.ok) {
      results.push(
        fail(
          GROUP,
          `${source.id}: Eventbrite did not answer at ${base} (${me.reason})`,
          'Check apiBaseUrl and that this host can reach Eventbrite.',
        ),
      );
      continue;
    }
    if (me.answer.status !== 200) {
      results.push(
        fail(
          GROUP,
          `${source.id}: Eventbrite refused apiToken (HTTP ${me.answer.status})`,
          "Copy the organizer's private token from Eventbrite (Account settings → Developer links → API keys) into the variable apiToken names.",
        ),
      );
      continue;
    }
    results.push(ok(GROUP, `${source.id}: Eventbrite accepts apiToken (user ${String(field(me.answer.body, 'id') ?? '?')})`));
    const eventIds = new Set(
      context.config.events.filter((e) => e.source === source.id && e.sourceEventId !== '*').map((e) => e.sourceEventId),
    );
    for (const eventId of eventIds) {
      const event = await callJson(`${base}/events/${encodeURIComponent(eventId)}/`, { headers, timeoutMs: context.timeoutMs });
      const status = event.ok ? event.answer.status : 0;
      if (status === 200)
        results.push(ok(GROUP, `${source.id}: event ${eventId} is visible ("${eventName(event.ok ? event.answer.body : undefined)}")`));
      else if (status === 403 || status === 404)
        results.push(
          fail(
            GROUP,
            `${source.id}: event ${eventId} is not visible to apiToken (HTTP ${status})`,
            "Use the token of the organization that owns the event, or fix the mapping's sourceEventId.",
          ),
        );
      else results.push(warn(GROUP, `${source.id}: event ${eventId} not checked (${event.ok ? `HTTP ${status}` : event.reason})`));
    }
  }
  return results;
}

function eventName(body: unknown): string {
  const name = field(body, 'name');
  return String(field(name, 'text') ?? '(no name)');
}
