import type { ContactDetails } from '../../domain/facts.js';
import type { RegistrationState } from '../../domain/registrations.js';
import type { Dialect, SqlRunner } from '../dialect.js';
import type { DetailsQueue, InboxRow, ProcessingRound, WebhookStatus } from '../ports.js';
import {
  toSessionRow,
  toSourceEventRow,
  toWebhookStatus,
  UNPROCESSED_INBOX,
  type SessionDbRow,
  type SourceEventDbRow,
  type WebhookDbRow,
  type WebhookRecordDbRow,
} from '../rows.js';

const SESSION_COLUMNS =
  'source_id, source_event_id, occurrence, email, first_join, last_join, last_leave, closed_at, sent_join, sent_leave, contact';

/** What a processing round reads, the same for both stores (each writes the round's effects its own way). */
export function inboxReads(db: SqlRunner, d: Dialect): Omit<ProcessingRound, 'commitEffects'> {
  const sessions = async (where: string, values: unknown[]) =>
    (await db.rows<SessionDbRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where}`, values)).map(toSessionRow);
  return {
    // Thin notices wait until their details are fetched ('ready'); dead ones wait for a replay.
    unprocessedWebhooks: (limit, sources) =>
      db.rows<InboxRow>(
        `SELECT id, source_id AS "sourceId", received_at AS "receivedAt", body, details FROM inbox
         WHERE ${UNPROCESSED_INBOX} AND (${d.noList('$2', 'text')} OR ${d.oneOf('source_id', '$2', 'text')}) ORDER BY id LIMIT $1`,
        [limit, sources ? d.list(sources) : null],
      ),
    async findContact(sourceId, contactKey): Promise<ContactDetails | undefined> {
      const [row] = await db.rows<{ contact: string }>('SELECT contact FROM contacts WHERE source_id = $1 AND contact_key = $2', [
        sourceId,
        contactKey,
      ]);
      return row ? JSON.parse(row.contact) : undefined;
    },
    findSession: async (sourceId, sourceEventId, occurrence, email) =>
      (
        await sessions('source_id = $1 AND source_event_id = $2 AND occurrence = $3 AND email = $4', [
          sourceId,
          sourceEventId,
          occurrence,
          email,
        ])
      )[0],
    async findSourceEvent(sourceId, sourceEventId, occurrence = '') {
      const [row] = await db.rows<SourceEventDbRow>(
        'SELECT starts_at, ends_at, ended_at FROM source_events WHERE source_id = $1 AND source_event_id = $2 AND occurrence = $3',
        [sourceId, sourceEventId, occurrence],
      );
      return row ? toSourceEventRow(sourceId, sourceEventId, occurrence, row) : undefined;
    },
    openSessionsJoinedBefore: (cutoff, limit) =>
      sessions('open_since IS NOT NULL AND open_since < $1 ORDER BY open_since LIMIT $2', [cutoff, limit]),
    openSessionsOfEvent: (sourceId, sourceEventId, occurrence) =>
      sessions('source_id = $1 AND source_event_id = $2 AND occurrence = $3 AND open_since IS NOT NULL', [
        sourceId,
        sourceEventId,
        occurrence,
      ]),
    async findRegistrations(key) {
      const rows = await db.rows<{ state: RegistrationState; at: number; occurred_at: number; sent: number | boolean; contact: string }>(
        'SELECT state, at, occurred_at, sent, contact FROM registrations WHERE source_id = $1 AND source_event_id = $2 AND email = $3',
        [key.sourceId, key.sourceEventId, key.email],
      );
      return rows.map((r) => ({
        state: r.state,
        at: Number(r.at),
        occurredAt: Number(r.occurred_at),
        sent: Boolean(r.sent),
        contact: JSON.parse(r.contact),
      }));
    },
    hasOnceKey: async (sourceId, key) =>
      (await db.rows('SELECT 1 AS yes FROM once_keys WHERE source_id = $1 AND once_key = $2', [sourceId, key])).length > 0,
  };
}

/** The background fetch of thin notices' details (claimed with a lease), and what became of a webhook. */
export function detailsQueue(db: SqlRunner, d: Dialect): DetailsQueue & { webhookStatus(id: number): Promise<WebhookStatus | undefined> } {
  return {
    async claimWebhooksNeedingDetails(now, limit, leaseMs, sources) {
      const rows = await db.rows<InboxRow>(
        `UPDATE inbox SET details_next_at = $3
         WHERE id IN (SELECT r.id FROM inbox r WHERE r.details_status = 'pending' AND r.details_next_at <= $1
                        AND (${d.noList('$4', 'text')} OR ${d.oneOf('r.source_id', '$4', 'text')})
                      ORDER BY r.id LIMIT $2 ${d.skipLocked})
         RETURNING id, source_id AS "sourceId", received_at AS "receivedAt", body, details_attempts AS "detailsAttempts"`,
        [now, limit, now + leaseMs, sources ? d.list(sources) : null],
      );
      return rows.sort((a, b) => a.id - b.id);
    },
    saveDetails: async (id, details) =>
      void (await db.changes(`UPDATE inbox SET details_status = 'ready', details = $2, details_error = NULL WHERE id = $1`, [id, details])),
    retryDetails: async (id, notBefore, error, countAttempt = true) =>
      void (await db.changes(
        'UPDATE inbox SET details_attempts = details_attempts + $4, details_next_at = $2, details_error = $3 WHERE id = $1',
        [id, notBefore, error, countAttempt ? 1 : 0],
      )),
    failDetails: async (id, error) =>
      void (await db.changes(
        `UPDATE inbox SET details_status = 'dead', details_attempts = details_attempts + 1, details_error = $2 WHERE id = $1`,
        [id, error],
      )),
    parkDetails: async (id, reason) =>
      void (await db.changes(
        `UPDATE inbox SET details_status = NULL, details = NULL, details_error = $2, parked_reason = $2 WHERE id = $1 AND processed_at IS NULL`,
        [id, reason],
      )),
    async webhookStatus(id) {
      const [row] = await db.rows<WebhookDbRow>('SELECT id, source_id, received_at, processed_at, outcome FROM inbox WHERE id = $1', [id]);
      if (!row) return undefined;
      const records = await db.rows<WebhookRecordDbRow>(
        'SELECT id, email, state, status, vid, last_error, updated_at FROM records WHERE inbox_id = $1 ORDER BY id',
        [id],
      );
      return toWebhookStatus(row, records);
    },
  };
}
