import { normalizeEmail } from '../domain/contact.js';
import type { Registrant, ReportParticipant, ZoomInstanceKind } from '../sources/zoom/api/client.js';
import type { KnownAttendance, NewWebhook } from '../store/ports.js';

/** One instance's report, and what the relay already knows of it. */
export interface ReportInput {
  sourceId: string;
  kind: ZoomInstanceKind;
  zoomId: string;
  /** The instance's uuid (Zoom's object.uuid on its webhooks), '' when Zoom named none. */
  uuid: string;
  participants: ReportParticipant[];
  registrants: Registrant[];
  /** Sessions processing holds for this instance. */
  known: KnownAttendance[];
  /** Registrant contact keys (`registrant:<id>`) processing has seen. */
  knownRegistrants: ReadonlySet<string>;
  now: number;
}

export interface ReconcileCounts {
  /** Rows in Zoom's report (one per join). */
  participants: number;
  /** People whose attendance the relay already had, first join to last leave. */
  alreadyKnown: number;
  /** Facts stored for the pipeline: joins, leaves and registrations the relay lacked. */
  added: number;
  /** Report rows with no email of their own nor from a registrant. */
  withoutEmail: number;
  registrants: number;
}

const parseTime = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** The dedup key of a synthetic webhook: the same report row gives the same key, so a re-run stores nothing twice. */
const key = (...parts: Array<string | number | undefined>) => `reconcile:${parts.map((p) => p ?? '').join(':')}`;

/**
 * Zoom's report rows turned into the webhooks Zoom would have sent (`<kind>.participant_joined` /
 * `participant_left` with `join_time` / `leave_time`, `<kind>.registration_created`), stored as
 * inbox entries of the Zoom source: processing reads them like any webhook, so sessions merge,
 * rejoins extend, and an attend is sent again only when the first join or last leave changes.
 * All leaves come before all joins: a join read before its leave would close the session at the
 * instance's known end and send a provisional attend.
 */
export function reportWebhooks(input: ReportInput): { webhooks: NewWebhook[]; counts: ReconcileCounts } {
  const { sourceId, kind, zoomId, uuid, now } = input;
  const byRegistrantId = new Map(input.registrants.filter((r) => r.id).map((r) => [r.id as string, r]));
  const known = new Map(input.known.map((k) => [k.email, k]));
  const counts: ReconcileCounts = { participants: input.participants.length, alreadyKnown: 0, added: 0, withoutEmail: 0, registrants: 0 };

  const registrations: NewWebhook[] = [];
  for (const registrant of input.registrants) {
    if (!normalizeEmail(registrant.email)) continue;
    if (registrant.id && input.knownRegistrants.has(`registrant:${registrant.id}`)) continue;
    const body = { event: `${kind}.registration_created`, event_ts: now, payload: { object: { id: zoomId, registrant } } };
    registrations.push(synthetic(sourceId, key('registrant', zoomId, registrant.id ?? registrant.email), now, body));
  }
  counts.registrants = registrations.length;

  // Rows grouped by person: what the relay knows is one span per person and instance.
  const people = new Map<string, ReportParticipant[]>();
  for (const row of input.participants) {
    const email =
      normalizeEmail(row.user_email) ?? normalizeEmail(row.registrant_id ? byRegistrantId.get(row.registrant_id)?.email : undefined);
    if (!email && !row.registrant_id) {
      counts.withoutEmail++;
      continue;
    }
    const person = email ?? `registrant:${row.registrant_id}`;
    people.set(person, [...(people.get(person) ?? []), { ...row, user_email: email }]);
  }

  const leaves: NewWebhook[] = [];
  const joins: NewWebhook[] = [];
  for (const [person, rows] of people) {
    const firstJoin = Math.min(...rows.map((r) => parseTime(r.join_time) ?? Infinity));
    const lastLeave = Math.max(...rows.map((r) => parseTime(r.leave_time) ?? -Infinity));
    const had = known.get(person);
    if (had?.firstJoin !== undefined && had.lastLeave !== undefined && had.firstJoin <= firstJoin && had.lastLeave >= lastLeave) {
      counts.alreadyKnown++;
      continue;
    }
    for (const row of rows) {
      const participant = { user_name: row.name, email: row.user_email, registrant_id: row.registrant_id };
      const object = { id: zoomId, ...(uuid ? { uuid } : {}) };
      const rowKey = [zoomId, uuid, person, row.join_time, row.leave_time];
      if (row.leave_time)
        leaves.push(
          synthetic(sourceId, key('left', ...rowKey), now, {
            event: `${kind}.participant_left`,
            event_ts: now,
            payload: { object: { ...object, participant: { ...participant, leave_time: row.leave_time } } },
          }),
        );
      if (row.join_time)
        joins.push(
          synthetic(sourceId, key('joined', ...rowKey), now, {
            event: `${kind}.participant_joined`,
            event_ts: now,
            payload: { object: { ...object, participant: { ...participant, join_time: row.join_time } } },
          }),
        );
    }
  }
  const webhooks = [...registrations, ...leaves, ...joins];
  counts.added = webhooks.length;
  return { webhooks, counts };
}

function synthetic(sourceId: string, dedupKey: string, now: number, body: object): NewWebhook {
  // `relay_reconciled` says where the entry came from to whoever reads the inbox; Zoom's envelope allows extra fields.
  return { sourceId, dedupKey, receivedAt: now, body: JSON.stringify({ ...body, relay_reconciled: true }) };
}
