import type Database from 'better-sqlite3';
import { attendSupersede, ATTEND_NOT_YET_SENT } from '../queries/attend-supersede.js';
import { isOpen } from '../../domain/sessions.js';
import type { AcceptedWebhook, InboxEffects, NewWebhook } from '../ports.js';

/** SQLite's writes of webhook intake and processing (inbox, contacts, sessions, records); the reads are ../queries/inbox.ts. */
export function sqliteIntakeQueries(db: Database.Database) {
  const insertInbox = db.prepare(
    `INSERT INTO inbox (source_id, dedup_key, received_at, body, details_status, details_next_at, parked_reason) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (source_id, dedup_key) DO NOTHING RETURNING id`,
  );
  const existingInbox = db.prepare('SELECT id FROM inbox WHERE source_id = ? AND dedup_key = ?');
  const insertOnceKey = db.prepare('INSERT OR IGNORE INTO once_keys (source_id, once_key, created_at) VALUES (?, ?, ?)');
  const upsertRegistration = db.prepare(
    `INSERT INTO registrations (source_id, source_event_id, email, state, at, occurred_at, sent, contact) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (source_id, source_event_id, email, at, state) DO UPDATE SET sent = excluded.sent`,
  );

  const markProcessed = db.prepare('UPDATE inbox SET processed_at = ?, outcome = ? WHERE id = ?');
  const markParked = db.prepare('UPDATE inbox SET parked_reason = ? WHERE id = ? AND processed_at IS NULL');
  const upsertContact = db.prepare(
    `INSERT INTO contacts (source_id, contact_key, contact, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (source_id, contact_key) DO UPDATE SET contact = excluded.contact, updated_at = excluded.updated_at`,
  );
  const upsertSession = db.prepare(
    `INSERT OR REPLACE INTO sessions (source_id, source_event_id, occurrence, email, first_join, last_join, last_leave, closed_at,
                                      sent_join, sent_leave, open_since, contact)
     VALUES (@sourceId, @sourceEventId, @occurrence, @email, @firstJoin, @lastJoin, @lastLeave, @closedAt, @sentJoin, @sentLeave, @openSince, @contact)`,
  );
  const upsertSourceEvent = db.prepare(
    `INSERT INTO source_events (source_id, source_event_id, occurrence, starts_at, ends_at, ended_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (source_id, source_event_id, occurrence) DO UPDATE SET
       starts_at = COALESCE(excluded.starts_at, starts_at), ends_at = COALESCE(excluded.ends_at, ends_at),
       ended_at = COALESCE(excluded.ended_at, ended_at)`,
  );
  const supersedeAttend = db.prepare(
    `UPDATE records SET status = 'superseded', updated_at = @now
     WHERE source_id = @sourceId AND source_event_id = @sourceEventId AND email = @email AND occurrence = @occurrence AND ${ATTEND_NOT_YET_SENT}`,
  );
  const insertRecord = db.prepare(
    `INSERT INTO records (inbox_id, source_id, source_event_id, occurrence, target_key, state, email, occurred_at, input, status,
                          next_attempt_at, received_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const insertWebhooks = db.transaction((rows: NewWebhook[]): AcceptedWebhook[] =>
    rows.map((row) => {
      const inserted = insertInbox.get(
        row.sourceId,
        row.dedupKey,
        row.receivedAt,
        row.body,
        row.needsDetails ? 'pending' : null,
        row.needsDetails ? row.receivedAt : null,
        row.parkedReason ?? null,
      ) as { id: number } | undefined;
      if (inserted) return { id: inserted.id, duplicate: false };
      const existing = existingInbox.get(row.sourceId, row.dedupKey) as { id: number };
      return { id: existing.id, duplicate: true };
    }),
  );

  const commitEffects = db.transaction((effects: InboxEffects, now: number) => {
    for (const c of effects.contacts) upsertContact.run(c.sourceId, c.contactKey, JSON.stringify(c.contact), now);
    for (const e of effects.sourceEvents) {
      upsertSourceEvent.run(e.sourceId, e.sourceEventId, e.occurrence ?? '', e.startsAt ?? null, e.endsAt ?? null, e.endedAt ?? null);
    }
    for (const s of effects.sessions) {
      const t = s.times;
      upsertSession.run({
        sourceId: s.sourceId,
        sourceEventId: s.sourceEventId,
        occurrence: s.occurrence,
        email: s.email,
        firstJoin: t.firstJoin ?? null,
        lastJoin: t.lastJoin ?? null,
        lastLeave: t.lastLeave ?? null,
        closedAt: t.closedAt ?? null,
        sentJoin: t.sentJoin ?? null,
        sentLeave: t.sentLeave ?? null,
        openSince: isOpen(t) ? (t.lastJoin ?? null) : null,
        contact: JSON.stringify(s.contact),
      });
    }
    const { statuses, supersedes } = attendSupersede(effects.records);
    for (const key of supersedes) supersedeAttend.run({ ...key, now });
    effects.records.forEach((r, i) =>
      insertRecord.run(
        r.inboxId ?? null,
        r.sourceId,
        r.sourceEventId,
        r.occurrence ?? '',
        r.targetKey,
        r.state,
        r.email,
        r.occurredAt,
        JSON.stringify(r.input),
        statuses[i],
        now,
        r.receivedAt,
        now,
        now,
      ),
    );
    for (const k of effects.onceKeys ?? []) insertOnceKey.run(k.sourceId, k.key, now);
    for (const r of effects.registrations ?? []) {
      for (const e of r.entries) {
        upsertRegistration.run(
          r.sourceId,
          r.sourceEventId,
          r.email,
          e.state,
          e.at,
          e.occurredAt,
          e.sent ? 1 : 0,
          JSON.stringify(e.contact),
        );
      }
    }
    for (const p of effects.processed) markProcessed.run(now, p.outcome, p.inboxId);
    for (const p of effects.parked ?? []) markParked.run(p.reason, p.inboxId);
  });

  return {
    insertWebhooks(rows: NewWebhook[]): AcceptedWebhook[] {
      db.pragma('synchronous = FULL');
      try {
        return insertWebhooks.immediate(rows);
      } finally {
        db.pragma('synchronous = NORMAL');
      }
    },
    commitEffects: (effects: InboxEffects, now: number): void => commitEffects.immediate(effects, now),
  };
}
