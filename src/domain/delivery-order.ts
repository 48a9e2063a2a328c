/**
 * The ordering rules of delivery that both stores apply in SQL, and the one decision they share.
 *
 * HubSpot keeps one state per contact and event, set by the last call it got. So for one contact
 * in one HubSpot event:
 * - records go in event-time order (a record waits while an earlier one is pending or in flight,
 *   and while any one is in flight);
 * - a record older than a delivered record of another state is not sent (it is superseded, with
 *   the reason): HubSpot already has the newer word;
 * - when an older record is seen to land late anyway (a try whose lease ran out, answered 200),
 *   the newest record is sent again after it (see reassertAfter).
 */

export interface RecordPosition {
  id: number;
  status: string;
  occurredAt: number;
}

const newer = (a: RecordPosition, b: RecordPosition) => a.occurredAt > b.occurredAt || (a.occurredAt === b.occurredAt && a.id > b.id);

/**
 * Which record to send again after `late` landed at HubSpot out of turn: the contact's newest
 * record, when it is newer than `late` and was sent already (delivered) or is being sent (in
 * flight). A pending newest record goes out later anyway, so nothing is needed then.
 */
export function reassertAfter(late: RecordPosition, candidates: Array<RecordPosition | undefined>): number | undefined {
  let newest: RecordPosition | undefined;
  for (const c of candidates) if (c && (!newest || newer(c, newest))) newest = c;
  if (!newest || newest.status === 'pending' || !newer(newest, late)) return undefined;
  return newest.id;
}

/** The last error of a record superseded because HubSpot already has a newer state. */
export const overtakenBy = (state: string) => `not sent: HubSpot already has this contact's newer ${state} (event time order)`;

/** The last error of a record queued again because an older one landed after it. */
export const reassertedAfter = (state: string) => `sent again: an older ${state} reached HubSpot after it (a try whose lease had run out)`;
