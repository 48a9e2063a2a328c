import { LATEST_DATE_VERSION } from '../../hubspot/api-paths.js';

/** Sources whose webhooks (or API) give an event's name and times, so that the relay can create it. */
export const CREATE_EVENTS_SOURCES: readonly string[] = ['zoom', 'eventbrite'];
import { TEMPLATES, type Platform } from './platforms.js';

export interface InitAnswers {
  platforms: Platform[];
  /** The environment variable holding the HubSpot token (never the token itself). */
  hubspotTokenEnv: string;
  /** `sqlite` (a file next to the relay), `postgres` (URL from RELAY_DATABASE_URL), or a `sqlite:` URL. */
  store: string;
}

export const DATABASE_URL_ENV = 'RELAY_DATABASE_URL';

/** The store URL line: a PostgreSQL URL holds a password, so it is only ever referenced. */
export function storeUrl(store: string): string {
  if (store === 'postgres' || store === 'postgresql') return `\${${DATABASE_URL_ENV}}`;
  if (store === 'sqlite') return 'sqlite:./data/relay.db';
  return store;
}

/** The environment variables the written file needs, in the order the file uses them. */
export function requiredEnv(answers: InitAnswers): Array<{ name: string; holds: string }> {
  const env = [
    { name: answers.hubspotTokenEnv, holds: 'a HubSpot Service Key or private-app token with crm.objects.marketing_events.write' },
  ];
  if (storeUrl(answers.store).startsWith('${')) env.push({ name: DATABASE_URL_ENV, holds: 'postgres://user:password@host:5432/db' });
  return [...env, ...answers.platforms.flatMap((p) => TEMPLATES[p].env)];
}

/** The configuration file's text: commented YAML with every secret as `${VAR}`. */
export function renderConfig(answers: InitAnswers): string {
  const lines = [
    '# attendance-relay configuration, written by `attendance-relay init`.',
    '# Secrets are never written here: each ${VAR} is read from the environment when the relay starts.',
    '# Every key and its default: docs/configuration.md. Check the set-up: attendance-relay doctor --config <this file>',
    '',
    'server:',
    '  port: 3000',
    '',
    'store:',
    `  url: "${storeUrl(answers.store)}"${answers.store.startsWith('postgres') ? '   # several replicas can share it' : '   # one process, one file'}`,
    '  retentionDays: 7                             # delivered records and processed webhooks are kept this long',
    '',
    'hubspot:',
    '  # A Service Key (recommended by HubSpot for system-to-system use) or a legacy private-app token,',
    '  # with the scope crm.objects.marketing_events.write (and .read, so that doctor can check event ids).',
    `  accessToken: "\${${answers.hubspotTokenEnv}}"`,
    `  apiVersion: "${LATEST_DATE_VERSION}"                        # HubSpot's date version (v3 ends September 2027)`,
    "  requestsPerTenSeconds: 100                   # at most your HubSpot app's limit (doctor compares)",
    '',
    '# admin:',
    '#   token: "${RELAY_ADMIN_TOKEN}"              # turns on /status, the console and the admin API (16+ characters)',
    '',
    'sources:',
    ...answers.platforms.flatMap((p) => TEMPLATES[p].yaml),
    '',
    '# Which HubSpot marketing event each source event goes to. An exact sourceEventId wins over "*".',
    'events:',
    ...answers.platforms.flatMap((p) => [
      `  - source: ${p}`,
      '    sourceEventId: "*"                        # every event of the source, by external id',
      ...(CREATE_EVENTS_SOURCES.includes(p)
        ? [
            '    hubspot:                                  # externalAccountId: the platform account id, else the source id',
            '      createEvents:                           # the relay creates the HubSpot event when first seen',
            '        eventOrganizer: "Your organization"   # required by HubSpot: shown on the event',
          ]
        : [`    hubspot: { externalAccountId: "${p}" }`]),
    ]),
    '  # - { source: zoom, sourceEventId: "81234567890", hubspot: { objectId: "5123456" } }   # an existing HubSpot event',
    '',
  ];
  return lines.join('\n');
}
