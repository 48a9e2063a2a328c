import { Type, type Static } from 'typebox';
import { NOT_DOT_SEGMENT } from '../../domain/event-mappings.js';

/**
 * Zoom webhook shapes. Field names follow Zoom's webhook reference and typed
 * SDK: registration events carry `payload.object.registrant`, participant
 * events `payload.object.participant`; meeting/webinar ids arrive as numbers
 * in some events and strings in others, so both are accepted.
 */
const ZoomId = Type.Union([Type.String({ minLength: 1, pattern: NOT_DOT_SEGMENT }), Type.Integer({ minimum: 0 })]);
// Strings as Zoom sends them; numbers are taken too (a phone or zip typed as a number) and sent as strings.
const Text = Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()]));
const IsoTime = Type.String({ minLength: 10 });

export const ZoomEnvelope = Type.Object(
  {
    event: Type.String({ minLength: 1 }),
    event_ts: Type.Integer({ minimum: 0 }),
    payload: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true },
);
export type ZoomEnvelope = Static<typeof ZoomEnvelope>;

export const UrlValidationPayload = Type.Object({ plainToken: Type.String({ minLength: 1, maxLength: 256 }) });

export const RegistrationPayload = Type.Object({
  object: Type.Object({
    id: ZoomId,
    start_time: Type.Optional(IsoTime),
    duration: Type.Optional(Type.Number({ minimum: 0 })),
    registrant: Type.Object({
      id: Type.Optional(Type.String()),
      email: Type.String(),
      first_name: Text,
      last_name: Text,
      org: Text,
      job_title: Text,
      phone: Text,
      city: Text,
      country: Text,
    }),
  }),
});
export type RegistrationPayload = Static<typeof RegistrationPayload>;

const Participant = {
  user_name: Text,
  email: Text,
  registrant_id: Text,
  /**
   * The participant's time as Zoom's documentation examples write it, where `join_time` /
   * `leave_time` is absent (see map.ts, participantTime).
   */
  date_time: Type.Optional(IsoTime),
};
/**
 * `object.uuid`: one per meeting or webinar instance. Occurrences of a recurring one share `id`
 * and differ by `uuid` (Zoom's typed SDK, rivet-javascript Meetings.MeetingParticipantJoinedEvent:
 * `payload.object.uuid: string`); optional here, as older captures may lack it.
 */
const Uuid = Type.Optional(Type.String({ minLength: 1 }));
/**
 * `object.id` is optional on participant events: Zoom's typed SDK (zoom/rivet-javascript
 * meetings/meetings.d.ts, MeetingParticipantJoinedEvent: `object.id?: string`) says it may be
 * missing; map.ts falls back to `uuid` when the source is configured to (eventIdWhenMissing).
 */
const ParticipantObject = { id: Type.Optional(ZoomId), uuid: Uuid };
/** join_time is required by Zoom's SDK types; date_time stands in for it (checked in map.ts). */
export const JoinedPayload = Type.Object({
  object: Type.Object({ ...ParticipantObject, participant: Type.Object({ ...Participant, join_time: Type.Optional(IsoTime) }) }),
});
/**
 * leave_time is optional: Zoom's SDK types, WebinarParticipantLeftEvent `participant.leave_time?: string`
 * (zoom/rivet-javascript meetings/meetings.d.ts); map.ts falls back to date_time, then event_ts.
 */
export const LeftPayload = Type.Object({
  object: Type.Object({ ...ParticipantObject, participant: Type.Object({ ...Participant, leave_time: Type.Optional(IsoTime) }) }),
});
export type ParticipantPayload = Static<typeof JoinedPayload> | Static<typeof LeftPayload>;

/**
 * end_time is optional: Zoom's SDK types, WebinarEndedEvent `object.end_time?: string`
 * (zoom/rivet-javascript meetings/meetings.d.ts; https://zoom.github.io/rivet-javascript/types/Meetings.WebinarEndedEvent.html);
 * map.ts falls back to the webhook's event_ts.
 */
export const EndedPayload = Type.Object({ object: Type.Object({ id: ZoomId, uuid: Uuid, end_time: Type.Optional(IsoTime) }) });
export const StartedPayload = Type.Object({
  object: Type.Object({ id: ZoomId, start_time: IsoTime, duration: Type.Optional(Type.Number({ minimum: 0 })) }),
});

/**
 * meeting/webinar .created, .updated, .deleted: `payload.object` is the meeting (Zoom's documentation,
 * https://developers.zoom.us/docs/api/meetings/events/ — id, uuid, topic, start_time, duration, timezone,
 * join_url; an update carries the id and the changed fields only).
 */
export const DetailsPayload = Type.Object({
  object: Type.Object({
    id: ZoomId,
    topic: Type.Optional(Type.String()),
    start_time: Type.Optional(IsoTime),
    duration: Type.Optional(Type.Number({ minimum: 0 })),
    join_url: Type.Optional(Type.String()),
    agenda: Type.Optional(Type.String()),
  }),
});
