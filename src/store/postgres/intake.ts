import { isOpen } from '../../domain/sessions.js';
import { attendSupersede, ATTEND_NOT_YET_SENT } from '../queries/attend-supersede.js';
import { postgresDialect, postgresRunner } from '../dialect.js';
import { inboxReads } from '../queries/inbox.js';
import type { AcceptedWebhook, InboxEffects, ProcessingRound, NewRecord, NewWebhook } from '../ports.js';
import type { Queryable } from './pool.js';

const DEADLOCK = '40P01';

/**
 * Inserts a group of webhooks in one statement (one commit for all of them), in arrival order.
 * Two replicas inserting the same deliveries in opposite orders at the same moment can deadlock;
 * PostgreSQL aborts one of them, and that one simply tries again.
 */
export async function insertWebhooks(db: Queryable, rows: NewWebhook[]): Promise<AcceptedWebhook[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertGroup(db, rows);
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK || attempt >= 3) throw error;
    }
  }
}

async function insertGroup(db: Queryable, rows: NewWebhook[]): Promise<AcceptedWebhook[]> {
  const inserted = await db.query<{ id: number; source_id: string; dedup_key: string }>({
    name: 'inbox-insert',
    text: `INSERT INTO inbox (source_id, dedup_key, received_at, body, details_status, details_next_at, parked_reason)
           SELECT s, d, r, b, CASE WHEN f THEN 'pending' END, CASE WHEN f THEN r END, p
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::boolean[], $6::text[]) WITH ORDINALITY AS u(s, d, r, b, f, p, n)
           ORDER BY n
           ON CONFLICT (source_id, dedup_key) DO NOTHING
           RETURNING id, source_id, dedup_key`,
    values: [
      rows.map((r) => r.sourceId),
      rows.map((r) => r.dedupKey),
      rows.map((r) => r.receivedAt),
      rows.map((r) => r.body),
      rows.map((r) => Boolean(r.needsDetails)),
      rows.map((r) => r.parkedReason ?? null),
    ],
  });
  const key = (sourceId: string, dedupKey: string) => `${sourceId}\u0000${dedupKey}`;
  const fresh = new Map(inserted.rows.map((r) => [key(r.source_id, r.dedup_key), r.id]));
  const missing = rows.filter((r) => !fresh.has(key(r.sourceId, r.dedupKey)));
  const existing = new Map<string, number>();
  if (missing.length > 0) {
    const found = await db.query<{ id: number; source_id: string; dedup_key: string }>(
      `SELECT i.id, i.source_id, i.dedup_key FROM inbox i
       JOIN unnest($1::text[], $2::text[]) AS k(source_id, dedup_key) USING (source_id, dedup_key)`,
      [missing.map((r) => r.sourceId), missing.map((r) => r.dedupKey)],
    );
    for (const r of found.rows) existing.set(key(r.source_id, r.dedup_key), r.id);
  }
  const claimed = new Set<string>();
  return rows.map((r) => {
    const k = key(r.sourceId, r.dedupKey);
    const id = fresh.get(k);
    // The first of identical deliveries in one group is the stored one; the rest are duplicates.
    if (id !== undefined && !claimed.has(k)) {
      claimed.add(k);
      return { id, duplicate: false };
    }
    return { id: (id ?? existing.get(k)) as number, duplicate: true };
  });
}

const SESSION_COLUMNS =
  'source_id, source_event_id, occurrence, email, first_join, last_join, last_leave, closed_at, sent_join, sent_leave, contact';

/** The reads and the commit of one processing round, on `db` (a client inside the round's transaction). */
export function processingRound(db: Queryable): ProcessingRound {
  return { ...inboxReads(postgresRunner(db), postgresDialect), commitEffects: (effects, now) => writeEffects(db, effects, now) };
}

/** Writes a round's effects with one statement per kind (the caller holds the transaction). */
async function writeEffects(db: Queryable, effects: InboxEffects, now: number): Promise<void> {
  const { contacts, sourceEvents, sessions, processed } = effects;
  if (contacts.length > 0) {
    await db.query(
      `INSERT INTO contacts (source_id, contact_key, contact, updated_at)
       SELECT s, k, c, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(s, k, c)
       ON CONFLICT (source_id, contact_key) DO UPDATE SET contact = excluded.contact, updated_at = excluded.updated_at`,
      [contacts.map((c) => c.sourceId), contacts.map((c) => c.contactKey), contacts.map((c) => JSON.stringify(c.contact)), now],
    );
  }
  for (const e of sourceEvents) {
    await db.query(
      `INSERT INTO source_events (source_id, source_event_id, occurrence, starts_at, ends_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source_id, source_event_id, occurrence) DO UPDATE SET
         starts_at = COALESCE(excluded.starts_at, source_events.starts_at), ends_at = COALESCE(excluded.ends_at, source_events.ends_at),
         ended_at = COALESCE(excluded.ended_at, source_events.ended_at)`,
      [e.sourceId, e.sourceEventId, e.occurrence ?? '', e.startsAt ?? null, e.endsAt ?? null, e.endedAt ?? null],
    );
  }
  for (const s of sessions) {
    const t = s.times;
    await db.query(
      `INSERT INTO sessions (${SESSION_COLUMNS}, open_since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (source_id, source_event_id, occurrence, email) DO UPDATE SET first_join = excluded.first_join,
         last_join = excluded.last_join, last_leave = excluded.last_leave, closed_at = excluded.closed_at,
         sent_join = excluded.sent_join, sent_leave = excluded.sent_leave, contact = excluded.contact, open_since = excluded.open_since`,
      [
        s.sourceId,
        s.sourceEventId,
        s.occurrence,
        s.email,
        t.firstJoin ?? null,
        t.lastJoin ?? null,
        t.lastLeave ?? null,
        t.closedAt ?? null,
        t.sentJoin ?? null,
        t.sentLeave ?? null,
        JSON.stringify(s.contact),
        isOpen(t) ? (t.lastJoin ?? null) : null,
      ],
    );
  }
  await writeRecords(db, effects.records, now);
  const onceKeys = effects.onceKeys ?? [];
  if (onceKeys.length > 0) {
    await db.query(
      `INSERT INTO once_keys (source_id, once_key, created_at) SELECT s, k, $3 FROM unnest($1::text[], $2::text[]) AS u(s, k) ON CONFLICT DO NOTHING`,
      [onceKeys.map((k) => k.sourceId), onceKeys.map((k) => k.key), now],
    );
  }
  await writeRegistrations(db, effects.registrations ?? []);
  const parked = effects.parked ?? [];
  if (parked.length > 0) {
    await db.query(
      `UPDATE inbox SET parked_reason = u.reason FROM unnest($1::bigint[], $2::text[]) AS u(id, reason)
       WHERE inbox.id = u.id AND inbox.processed_at IS NULL`,
      [parked.map((p) => p.inboxId), parked.map((p) => p.reason)],
    );
  }
  if (processed.length > 0) {
    await db.query(
      `UPDATE inbox SET processed_at = $3, outcome = u.outcome FROM unnest($1::bigint[], $2::text[]) AS u(id, outcome) WHERE inbox.id = u.id`,
      [processed.map((p) => p.inboxId), processed.map((p) => p.outcome), now],
    );
  }
}

/** Each changed person's registration entries (see src/domain/registrations.ts): new ones inserted, `sent` updated. */
async function writeRegistrations(db: Queryable, registrations: NonNullable<InboxEffects['registrations']>): Promise<void> {
  const rows = registrations.flatMap((r) => r.entries.map((e) => ({ ...r, ...e })));
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO registrations (source_id, source_event_id, email, state, at, occurred_at, sent, contact)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::boolean[], $8::text[])
     ON CONFLICT (source_id, source_event_id, email, at, state) DO UPDATE SET sent = excluded.sent`,
    [
      rows.map((r) => r.sourceId),
      rows.map((r) => r.sourceEventId),
      rows.map((r) => r.email),
      rows.map((r) => r.state),
      rows.map((r) => r.at),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.sent),
      rows.map((r) => JSON.stringify(r.contact)),
    ],
  );
}

async function writeRecords(db: Queryable, records: NewRecord[], now: number): Promise<void> {
  if (records.length === 0) return;
  const { statuses, supersedes } = attendSupersede(records);
  if (supersedes.length > 0) {
    await db.query(
      `UPDATE records SET status = 'superseded', updated_at = $5
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(s, e, m, oc)
       WHERE records.source_id = u.s AND records.source_event_id = u.e AND records.email = u.m AND records.occurrence = u.oc
         AND ${ATTEND_NOT_YET_SENT}`,
      [
        supersedes.map((k) => k.sourceId),
        supersedes.map((k) => k.sourceEventId),
        supersedes.map((k) => k.email),
        supersedes.map((k) => k.occurrence),
        now,
      ],
    );
  }
  await db.query(
    `INSERT INTO records (inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, status,
                          next_attempt_at, received_at, created_at, updated_at)
     SELECT i, s, e, oc, t, st, m, o, inp, stat, $12, r, $12, $12
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::bigint[])
       WITH ORDINALITY AS u(i, s, e, oc, t, st, m, o, inp, stat, r, n)
     ORDER BY n`,
    [
      records.map((r) => r.inboxId ?? null),
      records.map((r) => r.sourceId),
      records.map((r) => r.sourceEventId),
      records.map((r) => r.occurrence ?? ''),
      records.map((r) => r.targetKey),
      records.map((r) => r.state),
      records.map((r) => r.email),
      records.map((r) => r.occurredAt),
      records.map((r) => JSON.stringify(r.input)),
      statuses,
      records.map((r) => r.receivedAt),
      now,
    ],
  );
}
