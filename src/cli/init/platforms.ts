/**
 * What `init` writes and prints for each platform: the source's YAML (secrets only as `${VAR}`),
 * the environment variables it names, and what to set up on the platform's side. The event lists
 * are those of docs/platforms.md, which says what the relay reads from each.
 */
export const PLATFORMS = ['zoom', 'eventbrite', 'tito', 'luma', 'livestorm', 'generic'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface PlatformTemplate {
  /** The `sources` entry, as YAML lines (indented under `sources:`), with comments. */
  yaml: string[];
  /** Environment variables the entry references, with what each holds. */
  env: Array<{ name: string; holds: string }>;
  /** What to set up on the platform, given the relay's public base URL. */
  setup(publicUrl: string): string[];
}

const webhookUrl = (publicUrl: string, id: string) => `${publicUrl.replace(/\/+$/, '')}/webhooks/${id}`;

export const TEMPLATES: Record<Platform, PlatformTemplate> = {
  zoom: {
    yaml: [
      '  - id: zoom                                  # webhooks arrive at /webhooks/zoom',
      '    type: zoom',
      '    secretToken: "${ZOOM_WEBHOOK_SECRET_TOKEN}" # the app\'s Secret Token (Features → Event Subscriptions)',
    ],
    env: [{ name: 'ZOOM_WEBHOOK_SECRET_TOKEN', holds: "the Zoom app's Secret Token" }],
    setup: (url) => [
      `Zoom (Marketplace app → Features → Event Subscriptions): endpoint URL ${webhookUrl(url, 'zoom')}`,
      '  subscribe to webinar.registration_created, webinar.registration_approved, webinar.registration_cancelled,',
      '  webinar.registration_denied, webinar.participant_joined, webinar.participant_left, webinar.started,',
      '  webinar.ended, and the meeting.* equivalents',
    ],
  },
  eventbrite: {
    yaml: [
      '  - id: eventbrite                            # webhooks arrive at /webhooks/eventbrite?token=...',
      '    type: eventbrite',
      '    webhookToken: "${EVENTBRITE_WEBHOOK_TOKEN}" # 16+ random characters, also in the webhook URL',
      '    apiToken: "${EVENTBRITE_API_TOKEN}"         # the organizer\'s private OAuth token',
    ],
    env: [
      { name: 'EVENTBRITE_WEBHOOK_TOKEN', holds: 'a random secret of 16+ characters (e.g. openssl rand -hex 24)' },
      { name: 'EVENTBRITE_API_TOKEN', holds: "the organizer's Eventbrite private token" },
    ],
    setup: (url) => [
      `Eventbrite (Account settings → Developer links → Webhooks → Add webhook): payload URL`,
      `  ${webhookUrl(url, 'eventbrite')}?token=<the value of EVENTBRITE_WEBHOOK_TOKEN>`,
      '  actions: order.placed, order.refunded, attendee.updated, attendee.checked_in, attendee.checked_out',
    ],
  },
  tito: {
    yaml: ['  - id: tito', '    type: tito', '    secret: "${TITO_WEBHOOK_SECRET}"                # the webhook security token'],
    env: [{ name: 'TITO_WEBHOOK_SECRET', holds: "Tito's webhook security token" }],
    setup: (url) => [
      `Tito (Customize → Webhooks): URL ${webhookUrl(url, 'tito')}`,
      '  triggers: registration.finished, ticket.completed, checkin.created, ticket.voided, registration.cancelled',
    ],
  },
  luma: {
    yaml: ['  - id: luma', '    type: luma', '    secret: "${LUMA_WEBHOOK_SECRET}"                # whsec_... (Standard Webhooks)'],
    env: [{ name: 'LUMA_WEBHOOK_SECRET', holds: "Luma's webhook signing secret (whsec_...)" }],
    setup: (url) => [`Luma (calendar settings → Webhooks): URL ${webhookUrl(url, 'luma')}`, '  events: guest.registered, guest.updated'],
  },
  livestorm: {
    yaml: ['  - id: livestorm', '    type: livestorm', '    secret: "${LIVESTORM_WEBHOOK_SECRET}"           # the webhook secret'],
    env: [{ name: 'LIVESTORM_WEBHOOK_SECRET', holds: "Livestorm's webhook secret (API-managed webhooks)" }],
    setup: (url) => [`Livestorm (API webhooks): URL ${webhookUrl(url, 'livestorm')}`, '  events: people.registered, people.attended'],
  },
  generic: {
    yaml: [
      '  - id: generic                               # any other platform: adjust verify and map (docs/platforms.md)',
      '    type: generic',
      '    verify:',
      '      scheme: bearer                          # or standard-webhooks, hmac-sha256, livestorm',
      '      token: "${GENERIC_WEBHOOK_TOKEN}"',
      '    map:',
      '      eventType: type                         # where the body says what happened',
      '      states: { registered: register, attended: attend, cancelled: cancel }',
      '      email: data.email',
      '      sourceEventId: data.event_id',
    ],
    env: [{ name: 'GENERIC_WEBHOOK_TOKEN', holds: 'the bearer token the platform sends (16+ characters)' }],
    setup: (url) => [
      `Your platform: send webhooks to ${webhookUrl(url, 'generic')} with Authorization: Bearer <GENERIC_WEBHOOK_TOKEN>`,
      '  then adjust map.* to where its body keeps the type, email and event id',
    ],
  },
};

/** `zoom,eventbrite` and repeated flags into known platforms; unknown names are returned apart. */
export function parsePlatforms(values: readonly string[]): { platforms: Platform[]; unknown: string[] } {
  const names = values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());
  const known = new Set<Platform>();
  const unknown: string[] = [];
  for (const name of names.filter(Boolean)) {
    if ((PLATFORMS as readonly string[]).includes(name)) known.add(name as Platform);
    else unknown.push(name);
  }
  return { platforms: [...known], unknown };
}
