/** Public types of the Eventbrite API simulator (see README.md). */

export interface EventbriteSimulatorOptions {
  host?: string;
  port?: number;
  /** OAuth tokens the API accepts (default: `eb-sim-token`). */
  tokens?: string[];
  /** Per-token rolling limit (default Eventbrite's 2,000 per hour). */
  rateLimit?: { max: number; intervalMs: number };
  logger?: boolean;
}

export interface AddressInput {
  address_1?: string;
  city?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

/** A ticket holder, as a test describes one; everything but the email has a default. */
export interface AttendeeInput {
  id?: string;
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  jobTitle?: string;
  cellPhone?: string;
  workPhone?: string;
  addresses?: Partial<Record<'home' | 'work' | 'bill' | 'ship', AddressInput>>;
}

export interface EventInput {
  id: string;
  name?: string;
  description?: string;
  /** UTC ISO-8601 (`2026-11-20T15:00:00Z`). */
  start: string;
  end: string;
  timezone?: string;
}

export interface OrderInput {
  id?: string;
  eventId: string;
  /** When it was placed (UTC ISO-8601); default now. */
  at?: string;
  attendees: AttendeeInput[];
}

/** An Eventbrite Attendee object as the API answers it. */
export interface SimAttendee {
  team: null;
  resource_uri: string;
  id: string;
  changed: string;
  created: string;
  quantity: number;
  variant_id: null;
  profile: {
    first_name?: string;
    last_name?: string;
    email: string;
    name: string;
    company?: string;
    job_title?: string;
    cell_phone?: string;
    work_phone?: string;
    addresses: Partial<Record<'home' | 'work' | 'bill' | 'ship', AddressInput>>;
  };
  barcodes: Array<{
    status: 'unused' | 'used' | 'refunded';
    barcode: string;
    created: string;
    changed: string;
    checkin_type: number;
    is_printed: boolean;
  }>;
  answers: unknown[];
  costs: Record<string, { display: string; currency: string; value: number; major_value: string }>;
  checked_in: boolean;
  cancelled: boolean;
  refunded: boolean;
  affiliate: string | null;
  guestlist_id: null;
  invited_by: null;
  status: string;
  ticket_class_name: string;
  delivery_method: string;
  event_id: string;
  order_id: string;
  ticket_class_id: string;
}

export interface SimOrder {
  id: string;
  resource_uri: string;
  changed: string;
  created: string;
  name: string;
  first_name?: string;
  last_name?: string;
  email: string;
  status: string;
  time_remaining: null;
  event_id: string;
  attendeeIds: string[];
}

export interface SimEvent {
  id: string;
  name: { text: string; html: string };
  url: string;
  resource_uri: string;
  start: { timezone: string; local: string; utc: string };
  end: { timezone: string; local: string; utc: string };
  created: string;
  changed: string;
  /** One of canceled, live, started, ended, completed (https://www.eventbrite.com/developer/v3/response_formats/event/). */
  status: string;
  currency: string;
  online_event: boolean;
  /** multipart-text, optional in Eventbrite's Event object. */
  description?: { text: string; html: string };
}

/** What EventbriteSimulator.updateEvent changes (as an organizer editing or cancelling the event). */
export interface EventChanges {
  name?: string;
  description?: string;
  start?: string;
  end?: string;
  status?: string;
}

export interface FaultMatch {
  /** The request path contains this (e.g. `/orders/`, `/events/717926867587/`). */
  path?: string;
}

export type Fault = (
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'drop' }
) & { count?: number; match?: FaultMatch };

export interface RecordedCall {
  at: number;
  method: string;
  /** Without the query string. */
  path: string;
  query: Record<string, string>;
  /** The token the call carried (Authorization: Bearer, or ?token=). */
  token: string | undefined;
  status: number;
  fault?: string;
}
