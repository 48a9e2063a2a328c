import type { Preset } from './types.js';

/**
 * Tito (ti.to) webhooks; sources in README.md. The webhook name is only in the `X-Webhook-Name`
 * header, so it is stored with the body (see ../index.ts); the signature covers the body only, so
 * the replay rules of ../index.ts apply (bodyType, body-only dedup, maxBodyAgeHours). Registration and ticket payloads carry the
 * person at the top level; a check-in may carry them under `ticket`, so both are tried.
 */
export const tito: Preset = {
  verify: { scheme: 'hmac-sha256', header: 'tito-signature', encoding: 'base64', prefix: '', signedPayload: 'body' },
  map: {
    eventType: 'header:x-webhook-name',
    // The header is not signed: the body's own `_type` (registration, ticket, checkin) must agree with it.
    bodyType: '_type',
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
    // A check-in's created_at is when the person was checked in.
    joinedAt: ['created_at', 'checked_in_at'],
    sourceEventId: ['event.slug', 'ticket.event.slug', 'event.id'],
    contactProperties: { company: ['company_name', 'ticket.company_name'], phone: ['phone_number', 'ticket.phone_number'] },
  },
};
