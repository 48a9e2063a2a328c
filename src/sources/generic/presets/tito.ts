import { Type, type Static } from 'typebox';
import { SourceId, WebhookBodyLimit } from '../../common-config.js';
import { DefaultAttendMinutes, MaxBodyAgeHours } from '../config.js';
import { PresetSecret, presetModule } from './create.js';
import type { Preset } from './types.js';

/**
 * Tito (ti.to) webhooks; sources in README.md. The webhook name is only in the `X-Webhook-Name`
 * header, so it is stored with the body (see ../index.ts); the signature covers the body only, so
 * the replay rules of ../index.ts apply (bodyType, body-only dedup, maxBodyAgeHours). Ticket and check-in
 * payloads carry the person at the top level (an older check-in form nests it under `ticket`, so both are
 * tried); registration payloads carry the buyer there and the attendees in `tickets[]` (map.people).
 */
export const tito: Preset = {
  verify: { scheme: 'hmac-sha256', header: 'tito-signature', encoding: 'base64', prefix: '', signedPayload: 'body' },
  map: {
    eventType: 'header:x-webhook-name',
    // The header is not signed: what the body is must agree with it. Registration and ticket bodies
    // say so in `_type`; the documented check-in body has no `_type` but its own `checkin_uuid` and
    // `checked_in_at` (teamtito/api-docs source/includes/admin_api/3.1/webhooks/_checkin.json.md).
    // `_type` is tried first, so a registration or ticket body is never taken for a check-in.
    bodyType: [
      { kind: 'registration', when: '_type', equals: 'registration' },
      { kind: 'ticket', when: '_type', equals: 'ticket' },
      { kind: 'checkin', when: '_type', equals: 'checkin' },
      { kind: 'checkin', when: ['checkin_uuid', 'checked_in_at'] },
    ],
    // registration.*: the top-level person is the buyer; the attendees are the ticket holders
    // (tickets[].email, which may be null). A ticket or check-in body has no tickets[]: its own person.
    people: { list: 'tickets', email: 'email', firstName: 'first_name', lastName: 'last_name', fullName: 'name' },
    states: {
      'registration.finished': 'register',
      'ticket.completed': 'register',
      'checkin.created': 'attend',
      'ticket.voided': 'cancel',
      'registration.cancelled': 'cancel',
    },
    email: ['email', 'ticket.email'],
    firstName: ['first_name', 'ticket.first_name'],
    lastName: ['last_name', 'ticket.last_name'],
    fullName: ['name', 'ticket.name'],
    // updated_at is when the registration was confirmed, the ticket completed or voided.
    occurredAt: ['updated_at', 'completed_at', 'created_at'],
    // The documented check-in body says when in checked_in_at; created_at is kept for bodies that carry only that.
    joinedAt: ['checked_in_at', 'created_at'],
    sourceEventId: ['event.slug', 'ticket.event.slug', 'event.id'],
    contactProperties: { company: ['company_name', 'ticket.company_name'], phone: ['phone_number', 'ticket.phone_number'] },
  },
};

/** `type: tito`: the security token; Tito signs no time, so old bodies are refused by their own time. */
export const TitoSourceConfig = Type.Object(
  {
    id: SourceId,
    type: Type.Literal('tito'),
    secret: PresetSecret,
    maxBodyAgeHours: MaxBodyAgeHours(),
    defaultAttendMinutes: DefaultAttendMinutes,
    bodyLimitBytes: WebhookBodyLimit,
  },
  { additionalProperties: false },
);
export type TitoSourceConfig = Static<typeof TitoSourceConfig>;

export const titoModule = presetModule('tito', tito, TitoSourceConfig);
