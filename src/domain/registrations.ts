import type { ContactDetails } from './facts.js';

/**
 * One register per person (issue 13, item 5), the same rule for every source.
 *
 * Platforms repeat whole states: Eventbrite answers every order notice with the attendee as it is
 * now (three `order.placed` give three "registered"), Tito sends `registration.finished` and
 * `ticket.completed` for the same ticket holder, Zoom `registration_created` then `_approved`.
 * HubSpot should see one register per person and event, and another one only after a cancel.
 *
 * The rule keeps, per (source, event, person), every registration state seen, ordered by the time
 * the source says the person was in that state (`at`). Consecutive entries of one state are one
 * *run*: the person registered (or cancelled) once. Each run is sent exactly once, as its
 * earliest entry seen so far. Entries are never removed, so runs only ever split (a late cancel
 * between two registers) and never merge: the runs sent are the same whatever order the notices
 * were processed in, when the payloads carry the times.
 */

export type RegistrationState = 'register' | 'cancel';

export interface RegistrationEntry {
  state: RegistrationState;
  /** When the source says the person was in this state: orders the entries. */
  at: number;
  /** The time HubSpot is told (e.g. when the ticket was bought, for a register). */
  occurredAt: number;
  /** Sent to HubSpot (its run's one record). */
  sent: boolean;
  contact: ContactDetails;
}

/** Who the entries are about: one person at one event of one source. */
export interface RegistrationKey {
  sourceId: string;
  sourceEventId: string;
  email: string;
}

export interface RegistrationStep {
  /** All entries after the new one, ordered. */
  entries: RegistrationEntry[];
  /** Entries to send now, each with the interaction time to send (see below). */
  toSend: Array<RegistrationEntry & { sendAt: number }>;
  /** The same state at the same time was seen before: nothing changed. */
  repeat: boolean;
}

/** Order: by `at`; at the same instant a register comes before a cancel (a cancel then stands). */
function compare(a: RegistrationEntry, b: RegistrationEntry): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.state === b.state ? 0 : a.state === 'register' ? -1 : 1;
}

/**
 * Adds what one notice says to a person's entries and names what to send. A run that follows a
 * run of the other state is sent at `at` when that is later than its `occurredAt`: a register
 * after a cancel is a new registration (Eventbrite keeps the first purchase time on the attendee),
 * and HubSpot must not see it as older than the cancel.
 */
export function addRegistration(
  previous: readonly RegistrationEntry[],
  fact: { state: RegistrationState; at: number; occurredAt: number; contact: ContactDetails },
): RegistrationStep {
  if (previous.some((e) => e.state === fact.state && e.at === fact.at)) return { entries: [...previous], toSend: [], repeat: true };
  const entries = [...previous.map((e) => ({ ...e })), { ...fact, sent: false }].sort(compare);
  const toSend: RegistrationStep['toSend'] = [];
  let start = 0;
  while (start < entries.length) {
    let end = start;
    while (end + 1 < entries.length && entries[end + 1]?.state === entries[start]?.state) end++;
    const run = entries.slice(start, end + 1);
    const first = run[0] as RegistrationEntry;
    if (!run.some((e) => e.sent)) {
      first.sent = true;
      toSend.push({ ...first, sendAt: start > 0 ? Math.max(first.occurredAt, first.at) : first.occurredAt });
    }
    start = end + 1;
  }
  return { entries, toSend, repeat: false };
}
