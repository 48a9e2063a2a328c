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
  /** Further HubSpot contact properties by internal name, from a generic mapping; sent as found. */
  otherProperties?: Record<string, string>;
}

/**
 * A source-neutral fact read from one webhook. Sources produce facts; the
 * attendance domain turns facts into records for HubSpot.
 */
export type AttendanceFact =
  /**
   * A registration state. Repeats of a state are one register (or cancel) per person and event;
   * see registrations.ts. `stateAt`: when the source says the person was in this state, which
   * orders repeated whole-state notices (default `occurredAt`, the time HubSpot is told).
   */
  | { kind: 'registered'; sourceEventId: string; occurredAt: number; stateAt?: number; contact: ContactDetails; contactKey?: string }
  | { kind: 'cancelled'; sourceEventId: string; occurredAt: number; stateAt?: number; contact: ContactDetails; contactKey?: string }
  /**
   * An attendance known whole (a check-in): joinedAt, and leftAt when the source knows it; else
   * the mapped event's end, the event's known end, or joinedAt + the source's default length.
   */
  | {
      kind: 'attended';
      sourceEventId: string;
      occurredAt: number;
      joinedAt: number;
      leftAt?: number;
      contact: ContactDetails;
      onceKey?: string;
    }
  /** An input already in HubSpot's shape, for a HubSpot event named by the caller (HubSpot-compatible intake). */
  | { kind: 'direct'; sourceEventId: string; targetKey: string; state: SubscriberState; input: AttendanceInput }
  /** `occurrence`: one instance of a recurring event (Zoom's uuid); sessions are paired per occurrence. */
  | { kind: 'joined'; sourceEventId: string; occurrence?: string; occurredAt: number; contact: ContactDetails; contactKey?: string }
  | { kind: 'left'; sourceEventId: string; occurrence?: string; occurredAt: number; contact: ContactDetails; contactKey?: string }
  | { kind: 'event-ended'; sourceEventId: string; occurrence?: string; occurredAt: number }
  | { kind: 'event-scheduled'; sourceEventId: string; startsAt: number; endsAt?: number }
  /**
   * What the source tells about the event itself, for a HubSpot event the relay creates (createEvents):
   * its name, link and times; `cancelled` when the source deleted it; `completeAtEnd` when it is to be
   * completed at its scheduled end (Eventbrite: it had check-ins). No attendance effect.
   */
  | { kind: 'event-details'; sourceEventId: string; details: EventDetails; cancelled?: boolean; completeAtEnd?: boolean }
  /** Something the source says happened that HubSpot has no input for: logged, nothing sent. */
  | { kind: 'noted'; reason: string };

/** An event as a source describes it (ISO-8601 times); every field optional. */
export interface EventDetails {
  name?: string;
  startsAt?: string;
  endsAt?: string;
  /** When it actually started (Zoom `*.started`). */
  startedAt?: string;
  url?: string;
  description?: string;
}

/** `onceKey` (attended): a fact with a key already seen for its source is skipped (e.g. an attendee id + its check-in time). */

/** One input of HubSpot's `BatchInputMarketingEventEmailSubscriber` (all property values are strings). */
export interface AttendanceInput {
  email: string;
  interactionDateTime: number;
  properties: Record<string, string>;
  contactProperties: Record<string, string>;
}
