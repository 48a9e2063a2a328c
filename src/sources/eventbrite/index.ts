import { createHash, randomBytes } from 'node:crypto';
import { RelayError } from '../../http/errors.js';
import { checker } from '../check.js';
import { DetailsFetchError, type RawWebhook, type Source, type WebhookRequest, type WebhookVerdict } from '../types.js';
import { EventbriteClient } from './client.js';
import { sourceModule } from '../module.js';
import { EventbriteSourceConfig } from './config.js';
import { eventSchedule, fetchEventbriteDetails, type FetchContext } from './fetch.js';
import { eventbriteFacts } from './map.js';
import { EventbriteEnvelope, type EventbriteDetails, type EventSchedule } from './payloads.js';
import { apiUrlUnderBase, eventbriteActionKind, verifyWebhookToken } from './verify.js';

const checkEnvelope = checker(EventbriteEnvelope);
const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** How many attendees' last fetched `changed` are remembered (to spot overtaken answers). */
const LATEST_LIMIT = 100_000;

/** Events by id, each fetched once per TTL; concurrent asks for one event share one GET. */
class EventCache {
  private readonly entries = new Map<string, { schedule: EventSchedule | undefined; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<EventSchedule | undefined>>();

  constructor(
    private readonly ttlMs: number,
    private readonly load: (eventId: string, signal: AbortSignal) => Promise<EventSchedule | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(eventId: string, signal: AbortSignal, fresh = false): Promise<EventSchedule | undefined> {
    const hit = this.entries.get(eventId);
    if (hit && hit.expiresAt > this.now() && !fresh) return hit.schedule;
    let pending = this.inflight.get(eventId);
    if (!pending) {
      pending = this.load(eventId, signal).finally(() => this.inflight.delete(eventId));
      this.inflight.set(eventId, pending);
    }
    const schedule = await pending;
    if (this.entries.size > 10_000) {
      for (const [id, entry] of this.entries) if (entry.expiresAt <= this.now()) this.entries.delete(id);
    }
    this.entries.set(eventId, { schedule, expiresAt: this.now() + this.ttlMs });
    return schedule;
  }
}

/** The notice as stored: Eventbrite echoes our endpoint URL, token included, which must not sit in the store. */
function withoutWebhookToken(envelope: { config: { endpoint_url?: string } }): string {
  const url = envelope.config.endpoint_url;
  if (typeof url !== 'string' || !url) return JSON.stringify(envelope);
  const redacted = url.replace(/([?&]token=)[^&#]*/giu, '$1[redacted]');
  return JSON.stringify({ ...envelope, config: { ...envelope.config, endpoint_url: redacted } });
}

export function createEventbriteSource(config: EventbriteSourceConfig, options: { now?: () => number } = {}): Source {
  const now = options.now ?? Date.now;
  const base = new URL(config.apiBaseUrl);
  const client = new EventbriteClient({
    apiToken: config.apiToken,
    requestTimeoutMs: config.requestTimeoutMs,
    requestsPerHour: config.requestsPerHour,
    requestsPerDay: config.requestsPerDay,
    now,
  });
  const events = new EventCache(
    config.eventCacheMinutes * 60_000,
    async (eventId, signal) => {
      if (!EVENT_ID.test(eventId)) return undefined;
      try {
        return eventSchedule(await client.getJson(new URL(`${base.pathname.replace(/\/+$/, '')}/events/${eventId}/`, base.origin), signal));
      } catch (error) {
        // An event this token cannot read (or that is gone) only costs the check-in its exact end:
        // the attendance is still sent, ending at the mapping's endsAt or after the default length.
        if (error instanceof DetailsFetchError && !error.retryable) return undefined;
        throw error;
      }
    },
    now,
  );
  const latest = new Map<string, number>();
  const ctx: FetchContext = {
    client,
    base,
    event: (eventId, signal, fresh) => events.get(eventId, signal, fresh),
    isLatest(attendeeId, changed) {
      const at = changed === undefined ? Number.NaN : Date.parse(changed);
      if (Number.isNaN(at)) return true;
      const known = latest.get(attendeeId);
      if (known !== undefined && at < known) return false;
      latest.delete(attendeeId);
      latest.set(attendeeId, at);
      if (latest.size > LATEST_LIMIT) latest.delete(latest.keys().next().value as string);
      return true;
    },
  };

  return {
    id: config.id,
    type: 'eventbrite',
    envelopeSchema: EventbriteEnvelope,
    // Check-ins arrive whole (attended facts); no join/leave sessions are opened by this source.
    sessionTimeoutMs: 12 * 3_600_000,
    bodyLimitBytes: config.bodyLimitBytes,

    verify(request: RawWebhook) {
      verifyWebhookToken(request.query, config.webhookToken);
      return {};
    },

    // A notice that cannot be read is kept too: without the token Eventbrite echoes.
    keptBody(body: unknown) {
      const config = (body as { config?: unknown } | null)?.config;
      return config !== null && typeof config === 'object' ? withoutWebhookToken(body as { config: { endpoint_url?: string } }) : undefined;
    },

    receive(request: WebhookRequest): WebhookVerdict {
      const envelope = checkEnvelope.assert(request.body, 'eventbrite notice');
      const kind = eventbriteActionKind(envelope.config.action);
      // The dashboard's Test button sends a placeholder api_url: answered, never fetched.
      if (kind === 'test') return { kind: 'respond', statusCode: 200, body: { received: true, ignored: true } };
      if (!apiUrlUnderBase(envelope.api_url, base)) {
        throw new RelayError('BODY_INVALID', `api_url is not under apiBaseUrl (${base.origin}${base.pathname}): not fetched`);
      }
      if (kind === 'other') {
        return { kind: 'respond', statusCode: 200, body: { received: true, ignored: true }, ignoredEventType: envelope.config.action };
      }
      // A notice has no delivery id (X-Eventbrite-Delivery is the webhook's id) and every notice about
      // one attendee has the same body, so a body hash would drop a later change as a "duplicate".
      // Each notice is stored; repeats are caught per person and state (domain/registrations.ts) and per check-in (map.ts, onceKey).
      const dedupKey = `${createHash('sha256').update(request.rawBody).digest('base64url').slice(0, 16)}:${request.receivedAt}:${randomBytes(6).toString('base64url')}`;
      // Check-outs are kept as a trace and never fetched: HubSpot has no "left" for a check-in.
      return { kind: 'store', dedupKey, needsDetails: kind !== 'check-out', storedBody: withoutWebhookToken(envelope) };
    },

    async fetchDetails(body: unknown, signal: AbortSignal): Promise<EventbriteDetails> {
      let envelope: EventbriteEnvelope;
      try {
        envelope = checkEnvelope.assert(body, 'stored eventbrite notice');
      } catch (error) {
        throw new DetailsFetchError((error as Error).message, false);
      }
      return fetchEventbriteDetails(envelope, ctx, signal);
    },

    interpret(body: unknown, details?: unknown) {
      return eventbriteFacts(body as EventbriteEnvelope, details as EventbriteDetails | undefined);
    },
  };
}

/** `type: eventbrite`: the platform module (see ../module.ts). */
export const eventbriteModule = sourceModule({
  type: 'eventbrite',
  configSchema: EventbriteSourceConfig,
  create: (config) => createEventbriteSource(config),
});
