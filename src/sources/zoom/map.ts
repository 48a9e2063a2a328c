import type { AttendanceFact, ContactDetails } from '../../domain/facts.js';
import type { Static } from 'typebox';
import { RelayError } from '../../http/errors.js';
import { checker } from '../check.js';
import {
  EndedPayload,
  JoinedPayload,
  LeftPayload,
  RegistrationPayload,
  StartedPayload,
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
};
export type ZoomEventKind = 'registered' | 'cancelled' | 'joined' | 'left' | 'ended' | 'started' | 'url_validation' | 'other';

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
};

function parseTime(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RelayError('BODY_INVALID', `zoom webhook: ${field} is not an ISO-8601 time`);
  return ms;
}

/** Checks the payload of the events the relay maps, so a malformed one is refused with 400 up front. */
export function checkZoomPayload(envelope: ZoomEnvelope): ZoomEventKind {
  const kind = zoomEventKind(envelope.event);
  if (kind === 'other') return kind;
  checks[kind].assert(envelope.payload, `zoom ${envelope.event} payload`);
  // Reading the facts once here proves every time parses before the webhook is stored.
  if (kind !== 'url_validation') zoomFacts(envelope);
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

function participantFact(kind: 'joined' | 'left', payload: ParticipantPayload): AttendanceFact {
  const { participant } = payload.object;
  const time = 'join_time' in participant ? participant.join_time : participant.leave_time;
  return {
    kind,
    sourceEventId: String(payload.object.id),
    occurrence: payload.object.uuid,
    occurredAt: parseTime(time, kind === 'joined' ? 'join_time' : 'leave_time'),
    contact: { email: text(participant.email), fullName: text(participant.user_name) },
    contactKey: participant.registrant_id ? `registrant:${participant.registrant_id}` : undefined,
  };
}

/** The facts in one stored Zoom webhook (already verified and checked). */
export function zoomFacts(envelope: ZoomEnvelope): AttendanceFact[] {
  const kind = zoomEventKind(envelope.event);
  const payload = envelope.payload as never;
  switch (kind) {
    case 'registered':
    case 'cancelled': {
      const { object } = payload as RegistrationPayload;
      const sourceEventId = String(object.id);
      const facts: AttendanceFact[] = [];
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
      return [participantFact(kind, payload)];
    case 'ended': {
      const { object } = payload as Static<typeof EndedPayload>;
      return [
        {
          kind: 'event-ended',
          sourceEventId: String(object.id),
          occurrence: object.uuid,
          occurredAt: parseTime(object.end_time, 'end_time'),
        },
      ];
    }
    case 'started': {
      const { object } = payload as { object: { id: string | number; start_time: string; duration?: number } };
      const startsAt = parseTime(object.start_time, 'start_time');
      const endsAt = object.duration ? startsAt + object.duration * 60_000 : undefined;
      return [{ kind: 'event-scheduled', sourceEventId: String(object.id), startsAt, endsAt }];
    }
    default:
      return [];
  }
}
