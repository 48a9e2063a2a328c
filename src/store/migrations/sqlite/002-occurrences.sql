-- 2: sessions and event ends per occurrence (Zoom's object.uuid), a relay-made close kept apart
-- from a reported leave, the occurrence on records, and the indexes for the ordering rules.
CREATE TABLE sessions_v2 (
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  occurrence TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL,
  first_join INTEGER,
  last_join INTEGER,
  last_leave INTEGER,
  closed_at INTEGER,
  sent_join INTEGER,
  sent_leave INTEGER,
  open_since INTEGER,
  contact TEXT NOT NULL,
  PRIMARY KEY (source_id, source_event_id, occurrence, email)
) WITHOUT ROWID;
INSERT INTO sessions_v2 (source_id, source_event_id, email, first_join, last_join, last_leave, sent_join, sent_leave, open_since, contact)
  SELECT source_id, source_event_id, email, first_join, last_join, last_leave, sent_join, sent_leave, open_since, contact FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_v2 RENAME TO sessions;
CREATE INDEX sessions_open ON sessions (open_since) WHERE open_since IS NOT NULL;

CREATE TABLE source_events_v2 (
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  occurrence TEXT NOT NULL DEFAULT '',
  starts_at INTEGER,
  ends_at INTEGER,
  ended_at INTEGER,
  PRIMARY KEY (source_id, source_event_id, occurrence)
) WITHOUT ROWID;
INSERT INTO source_events_v2 (source_id, source_event_id, starts_at, ends_at)
  SELECT source_id, source_event_id, starts_at, ends_at FROM source_events;
DROP TABLE source_events;
ALTER TABLE source_events_v2 RENAME TO source_events;

ALTER TABLE records ADD COLUMN occurrence TEXT NOT NULL DEFAULT '';
-- A record older than a delivered one of another state for the same contact is not sent.
CREATE INDEX records_delivered_contact ON records (target_key, email, occurred_at) WHERE status = 'delivered';
-- Webhooks an earlier relay marked processed for want of their source (see UNCONFIGURED_OUTCOME).
CREATE INDEX inbox_unconfigured ON inbox (id) WHERE outcome LIKE '{"error":"source % is not configured"}';
