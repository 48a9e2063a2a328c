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
};
/**
 * `object.uuid`: one per meeting or webinar instance. Occurrences of a recurring one share `id`
 * and differ by `uuid` (Zoom's typed SDK, rivet-javascript Meetings.MeetingParticipantJoinedEvent:
 * `payload.object.uuid: string`); optional here, as older captures may lack it.
 */
const Uuid = Type.Optional(Type.String({ minLength: 1 }));
export const JoinedPayload = Type.Object({
  object: Type.Object({ id: ZoomId, uuid: Uuid, participant: Type.Object({ ...Participant, join_time: IsoTime }) }),
});
export const LeftPayload = Type.Object({
  object: Type.Object({ id: ZoomId, uuid: Uuid, participant: Type.Object({ ...Participant, leave_time: IsoTime }) }),
});
export type ParticipantPayload = Static<typeof JoinedPayload> | Static<typeof LeftPayload>;

export const EndedPayload = Type.Object({ object: Type.Object({ id: ZoomId, uuid: Uuid, end_time: IsoTime }) });
export const StartedPayload = Type.Object({
  object: Type.Object({ id: ZoomId, start_time: IsoTime, duration: Type.Optional(Type.Number({ minimum: 0 })) }),
});
