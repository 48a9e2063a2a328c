import { Type, type Static } from 'typebox';
import { SourceId, WebhookBodyLimit } from '../../common-config.js';
import { DefaultAttendMinutes, StandardWebhooksSecret } from '../config.js';
import { PresetSecret, PresetTolerance, presetModule } from './create.js';
import type { Preset } from './types.js';

/**
 * Luma (lu.ma) calendar webhooks; sources in README.md. Luma gives each webhook a `secret`; its
 * signature scheme is not published in the material we could check, so this preset assumes Standard
 * Webhooks (webhook-id / webhook-timestamp / webhook-signature) — see README.md.
 */
export const luma: Preset = {
  verify: { scheme: 'standard-webhooks' },
  map: {
    eventType: 'type',
    states: {
      'guest.registered': 'register',
      // guest.updated fires on every change of a guest: only a check-in (checked_in_at set) is an attendance.
      'guest.updated': { state: 'attend', when: ['data.checked_in_at', 'data.event_tickets[*].checked_in_at'] },
    },
    email: 'data.user_email',
    firstName: 'data.user_first_name',
    lastName: 'data.user_last_name',
    fullName: 'data.user_name',
    occurredAt: ['data.registered_at', 'data.created_at'],
    joinedAt: ['data.checked_in_at', 'data.event_tickets[*].checked_in_at'],
    sourceEventId: ['data.event.id', 'data.event.api_id', 'data.event_api_id'],
    contactProperties: {
      phone: 'data.phone_number',
      // A "company" registration question answers with both (Luma's guest webhook schema, registration_answers).
      company: [
        'data.registration_answers[question_type=company].answer_company',
        'data.registration_answers[question_type=company].value.company',
      ],
      jobtitle: [
        'data.registration_answers[question_type=company].answer_job_title',
        'data.registration_answers[question_type=company].value.job_title',
      ],
    },
  },
};

/** `type: luma`: the webhook's Standard Webhooks secret. */
export const LumaSourceConfig = Type.Object(
  {
    id: SourceId,
    type: Type.Literal('luma'),
    secret: Type.Intersect([PresetSecret, StandardWebhooksSecret]),
    toleranceSeconds: PresetTolerance,
    defaultAttendMinutes: DefaultAttendMinutes,
    bodyLimitBytes: WebhookBodyLimit,
  },
  { additionalProperties: false },
);
export type LumaSourceConfig = Static<typeof LumaSourceConfig>;

export const lumaModule = presetModule('luma', luma, LumaSourceConfig);
