import { zoomSignature } from '../../src/sources/zoom/verify.js';

/** Headers Zoom would send with `body`, signed with `secret` at `timestampSeconds` (default now). */
export function zoomHeaders(secret: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const timestamp = String(timestampSeconds);
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Zoom Marketplace/1.0a',
    'x-zm-request-timestamp': timestamp,
    'x-zm-signature': zoomSignature(secret, timestamp, body),
  };
}

export interface Person {
  email: string;
  firstName?: string;
  lastName?: string;
  registrantId?: string;
  org?: string;
  jobTitle?: string;
  phone?: string;
  city?: string;
  country?: string;
}

type Scope = 'webinar' | 'meeting';

/** A `{scope}.registration_*` webhook body (object.id is a number in these events). */
export function registrationEvent(
  action: 'created' | 'approved' | 'cancelled' | 'denied',
  eventId: string,
  person: Person,
  eventTs = Date.now(),
  scope: Scope = 'webinar',
) {
  return {
    event: `${scope}.registration_${action}`,
    event_ts: eventTs,
    payload: {
      account_id: 'test-account',
      object: {
        id: Number(eventId),
        uuid: `uuid-${eventId}`,
        topic: 'Test webinar',
        start_time: '2026-11-20T15:00:00Z',
        duration: 60,
        registrant: {
          id: person.registrantId,
          email: person.email,
          first_name: person.firstName,
          last_name: person.lastName,
          org: person.org,
          job_title: person.jobTitle,
          phone: person.phone,
          city: person.city,
          country: person.country,
          status: 'approved',
          join_url: `https://zoom.us/w/${eventId}`,
        },
      },
    },
  };
}

/** A `{scope}.participant_joined|left` webhook body (object.id is a string in these events). */
export function participantEvent(
  action: 'joined' | 'left',
  eventId: string,
  participant: { email?: string; userName?: string; registrantId?: string },
  at: string,
  scope: Scope = 'webinar',
  uuid = `uuid-${eventId}`,
) {
  return {
    event: `${scope}.participant_${action}`,
    event_ts: Date.parse(at),
    payload: {
      account_id: 'test-account',
      object: {
        id: eventId,
        uuid,
        topic: 'Test webinar',
        participant: {
          user_id: '16778240',
          user_name: participant.userName ?? 'Test Person',
          id: 'participant-id',
          email: participant.email ?? '',
          registrant_id: participant.registrantId,
          [action === 'joined' ? 'join_time' : 'leave_time']: at,
        },
      },
    },
  };
}

export function endedEvent(eventId: string, startTime: string, endTime: string, scope: Scope = 'webinar', uuid = `uuid-${eventId}`) {
  return {
    event: `${scope}.ended`,
    event_ts: Date.parse(endTime),
    payload: { account_id: 'test-account', object: { id: eventId, uuid, start_time: startTime, end_time: endTime } },
  };
}
