-- 5: one register per person (issue 13, item 5; src/domain/registrations.ts): every registration
-- state seen per (source, event, person), ordered by when the source says it held (`at`); `sent`
-- marks the one entry of each run of a state that went to HubSpot.
CREATE TABLE registrations (
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  email TEXT NOT NULL,
  state TEXT NOT NULL,
  at INTEGER NOT NULL,
  occurred_at INTEGER NOT NULL,
  sent INTEGER NOT NULL,
  contact TEXT NOT NULL,
  PRIMARY KEY (source_id, source_event_id, email, at, state)
) WITHOUT ROWID;
-- What was sent before this version counts as sent: a repeated notice after the upgrade is a repeat.
INSERT INTO registrations (source_id, source_event_id, email, state, at, occurred_at, sent, contact)
  SELECT source_id, source_event_id, email, state, occurred_at, occurred_at, 1, '{}' FROM records
  WHERE state IN ('register', 'cancel') AND status <> 'superseded'
  ON CONFLICT DO NOTHING;
