/** The three attendance states HubSpot's email-create endpoints accept. */
export const SUBSCRIBER_STATES = ['register', 'attend', 'cancel'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

/** What a source knows about a person; everything is optional until normalised. */
export interface ContactDetails {
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Used to derive first/last name when those are missing (e.g. Zoom's `user_name`). */
  fullName?: string;
  company?: string;
  jobTitle?: string;
  phone?: string;
  city?: string;
  country?: string;
}

/**
 * A source-neutral fact read from one webhook. Sources produce facts; the
 * attendance domain turns facts into records for HubSpot.
 */
export type AttendanceFact =
  | { kind: 'registered'; sourceEventId: string; occurredAt: number; contact: ContactDetails; contactKey?: string }
  | { kind: 'cancelled'; sourceEventId: string; occurredAt: number; contact: ContactDetails; contactKey?: string }
  | { kind: 'joined'; sourceEventId: string; occurredAt: number; contact: ContactDetails; contactKey?: string }
  | { kind: 'left'; sourceEventId: string; occurredAt: number; contact: ContactDetails; contactKey?: string }
  | { kind: 'event-ended'; sourceEventId: string; occurredAt: number }
  | { kind: 'event-scheduled'; sourceEventId: string; startsAt: number; endsAt?: number };

/** One input of HubSpot's `BatchInputMarketingEventEmailSubscriber` (all property values are strings). */
export interface AttendanceInput {
  email: string;
  interactionDateTime: number;
  properties: Record<string, string>;
  contactProperties: Record<string, string>;
}
