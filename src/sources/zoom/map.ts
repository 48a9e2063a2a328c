import type { AttendanceFact, ContactDetails, EventDetails } from '../../domain/facts.js';
import type { Static } from 'typebox';
import { RelayError } from '../../http/errors.js';
import { checker } from '../check.js';
import {
  EndedPayload,
  JoinedPayload,
  LeftPayload,
  RegistrationPayload,
  StartedPayload,
  DetailsPayload,
  UrlValidationPayload,
  type ParticipantPayload,
  type ZoomEnvelope,
} from './payloads.js';

const KIND_BY_ACTION: Record<string, ZoomEventKind> = {
  registration_created: 'registered',
  registration_approved: 'registered',
  registration_cancelled: 'cancelled',
  registration_denied: 'cancelled',
  participant_joined: 'joined',
  participant_left: 'left',
  ended: 'ended',
  started: 'started',
  created: 'details',
  updated: 'details',
  deleted: 'deleted',
};
export type ZoomEventKind =
  'registered' | 'cancelled' | 'joined' | 'left' | 'ended' | 'started' | 'details' | 'deleted' | 'url_validation' | 'other';

/** webinar.* and meeting.* map alike; everything else is acknowledged and ignored. */
export function zoomEventKind(event: string): ZoomEventKind {
  if (event === 'endpoint.url_validation') return 'url_validation';
  const [scope, action] = event.split('.', 2);
  if ((scope !== 'webinar' && scope !== 'meeting') || !action) return 'other';
  return KIND_BY_ACTION[action] ?? 'other';
}

const checks = {
  url_validation: checker(UrlValidationPayload),
  registered: checker(RegistrationPayload),
  cancelled: checker(RegistrationPayload),
  joined: checker(JoinedPayload),
  left: checker(LeftPayload),
  ended: checker(EndedPayload),
  started: checker(StartedPayload),
  details: checker(DetailsPayload),
  deleted: checker(DetailsPayload),
};

function parseTime(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RelayError('BODY_INVALID', `zoom webhook: ${field} is not an ISO-8601 time`);
  return ms;
}

/** How a Zoom source reads what Zoom may leave out (ZoomSourceConfig). */
export interface ZoomReadOptions {
  /** A participant event without object.id: its uuid is the source event id. */
  eventIdWhenMissing?: 'uuid';
}

/** Checks the payload of the events the relay maps, so a malformed one is refused with 400 up front. */
export function checkZoomPayload(envelope: ZoomEnvelope, options: ZoomReadOptions = {}): ZoomEventKind {
  const kind = zoomEventKind(envelope.event);
  if (kind === 'other') return kind;
  checks[kind].assert(envelope.payload, `zoom ${envelope.event} payload`);
  // Reading the facts once here proves every time parses before the webhook is stored.
  if (kind !== 'url_validation') zoomFacts(envelope, options);
  return kind;
}

const text = (value: string | number | null | undefined): string | undefined =>
  value === null || value === undefined ? undefined : String(value);

function registrantContact(registrant: RegistrationPayload['object']['registrant']): ContactDetails {
  return {
    email: registrant.email,
    firstName: text(registrant.first_name),
    lastName: text(registrant.last_name),
    company: text(registrant.org),
    jobTitle: text(registrant.job_title),
    phone: text(registrant.phone),
    city: text(registrant.city),
    country: text(registrant.country),
  };
}

/**
 * When the participant joined or left. Zoom's SDK types require `join_time` and make `leave_time`
 * optional (zoom/rivet-javascript meetings/meetings.d.ts: MeetingParticipantJoinedEvent
 * `participant.join_time: string`, WebinarParticipantLeftEvent `participant.leave_time?: string`).
 * Payloads written like Zoom's documentation examples carry `date_time` instead, so it stands in for
 * either. A leave with neither is taken at the webhook's `event_ts` (Zoom sends participant_left
 * as the person leaves, so event_ts is at most the delivery delay late); a join with neither
 * cannot be placed and is BODY_INVALID, naming the fields.
 */
function participantTime(
  kind: 'joined' | 'left',
  envelope: ZoomEnvelope,
  participant: ParticipantPayload['object']['participant'],
): number {
  const field = kind === 'joined' ? 'join_time' : 'leave_time';
  const own = (participant as { join_time?: string; leave_time?: string })[field];
  if (own !== undefined) return parseTime(own, field);
  if (participant.date_time !== undefined) return parseTime(participant.date_time, 'date_time');
  if (kind === 'left') return envelope.event_ts;
  throw new RelayError(
    'BODY_INVALID',
    `zoom ${envelope.event}: payload.object.participant.join_time is missing (and so is date_time), found neither`,
  );
}

/**
 * The source event a participant event belongs to: `object.id`, which Zoom's SDK types make
 * optional on meeting.participant_joined (zoom/rivet-javascript meetings/meetings.d.ts:
 * MeetingParticipantJoinedEvent `object.id?: string`); without it, `object.uuid` when the source is
 * configured with eventIdWhenMissing: uuid, else BODY_INVALID naming the field.
 */
function participantEventId(envelope: ZoomEnvelope, object: ParticipantPayload['object'], options: ZoomReadOptions): string {
  if (object.id !== undefined) return String(object.id);
  if (options.eventIdWhenMissing === 'uuid' && object.uuid !== undefined) return object.uuid;
  const why = options.eventIdWhenMissing === 'uuid' ? 'and so is payload.object.uuid' : 'and the source has no eventIdWhenMissing: uuid';
  throw new RelayError(
    'BODY_INVALID',
    `zoom ${envelope.event}: payload.object.id is missing (${why}), found ${object.uuid === undefined ? 'no id' : 'only a uuid'}`,
  );
}

function participantFact(kind: 'joined' | 'left', envelope: ZoomEnvelope, options: ZoomReadOptions): AttendanceFact {
  const payload = envelope.payload as unknown as ParticipantPayload;
  const { participant } = payload.object;
  return {
    kind,
    sourceEventId: participantEventId(envelope, payload.object, options),
    occurrence: payload.object.uuid,
    occurredAt: participantTime(kind, envelope, participant),
    contact: { email: text(participant.email), fullName: text(participant.user_name) },
    contactKey: participant.registrant_id ? `registrant:${participant.registrant_id}` : undefined,
  };
}

/** The facts in one stored Zoom webhook (already verified and checked). */
export function zoomFacts(envelope: ZoomEnvelope, options: ZoomReadOptions = {}): AttendanceFact[] {
  const kind = zoomEventKind(envelope.event);
  const payload = envelope.payload as never;
  switch (kind) {
    case 'registered':
    case 'cancelled': {
      const { object } = payload as RegistrationPayload;
      const sourceEventId = String(object.id);
      // The webinar's own fields; the registrant's join_url is personal, never the event's link.
      const facts: AttendanceFact[] = [
        { kind: 'event-details', sourceEventId, details: zoomEventDetails({ ...object, join_url: undefined }) },
      ];
      if (object.start_time) {
        const startsAt = parseTime(object.start_time, 'start_time');
        const endsAt = object.duration !== undefined ? startsAt + object.duration * 60_000 : undefined;
        facts.push({ kind: 'event-scheduled', sourceEventId, startsAt, endsAt });
      }
      const contactKey = object.registrant.id ? `registrant:${object.registrant.id}` : undefined;
      facts.push({ kind, sourceEventId, occurredAt: envelope.event_ts, contact: registrantContact(object.registrant), contactKey });
      return facts;
    }
    case 'joined':
    case 'left':
      return [participantFact(kind, envelope, options)];
    case 'ended': {
      const { object } = payload as Static<typeof EndedPayload>;
      // end_time is optional in Zoom's SDK types (zoom/rivet-javascript meetings/meetings.d.ts,
      // WebinarEndedEvent `object.end_time?: string`): without it, the end is the webhook's event_ts
      // (Zoom sends *.ended when the meeting or webinar ends).
      const endedAt = object.end_time !== undefined ? parseTime(object.end_time, 'end_time') : envelope.event_ts;
      return [{ kind: 'event-ended', sourceEventId: String(object.id), occurrence: object.uuid, occurredAt: endedAt }];
    }
    case 'started': {
      const { object } = payload as { object: { id: string | number; start_time: string; duration?: number } };
      const startsAt = parseTime(object.start_time, 'start_time');
      const endsAt = object.duration ? startsAt + object.duration * 60_000 : undefined;
      const startedAt = new Date(startsAt).toISOString();
      return [
        { kind: 'event-scheduled', sourceEventId: String(object.id), startsAt, endsAt },
        { kind: 'event-details', sourceEventId: String(object.id), details: { startedAt } },
      ];
    }
    case 'details':
    case 'deleted': {
      const { object } = payload as Static<typeof DetailsPayload>;
      return [
        { kind: 'event-details', sourceEventId: String(object.id), details: zoomEventDetails(object), cancelled: kind === 'deleted' },
      ];
    }
    default:
      return [];
  }
}

/**
 * A meeting or webinar as HubSpot's event: `topic`, `start_time` + `duration` (minutes), `join_url`,
 * `agenda` (Zoom's meeting.created/updated/deleted payload.object, https://developers.zoom.us/docs/api/meetings/events/;
 * an update carries only the changed fields, so each is optional).
 */
export function zoomEventDetails(object: {
  topic?: unknown;
  start_time?: unknown;
  duration?: unknown;
  join_url?: unknown;
  agenda?: unknown;
}): EventDetails {
  const details: EventDetails = {};
  if (typeof object.topic === 'string' && object.topic !== '') details.name = object.topic;
  if (typeof object.agenda === 'string' && object.agenda !== '') details.description = object.agenda;
  if (typeof object.join_url === 'string' && object.join_url !== '') details.url = object.join_url;
  const startsAt = typeof object.start_time === 'string' ? Date.parse(object.start_time) : Number.NaN;
  if (!Number.isNaN(startsAt)) {
    details.startsAt = new Date(startsAt).toISOString();
    if (typeof object.duration === 'number') details.endsAt = new Date(startsAt + object.duration * 60_000).toISOString();
  }
  return details;
}

/**
 * The Zoom account a webhook comes from: `payload.account_id`, present in Zoom's documented webhook
 * structure (https://developers.zoom.us/docs/api/webhooks/, "Example request body"; copied in
 * test/fixtures/zoom/meeting.started.json).
 */
export function zoomAccountId(envelope: ZoomEnvelope): string | undefined {
  const account = (envelope.payload as { account_id?: unknown } | undefined)?.account_id;
  return typeof account === 'string' && account !== '' ? account : undefined;
}
