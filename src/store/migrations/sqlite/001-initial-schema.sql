CREATE TABLE inbox (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  processed_at INTEGER,
  outcome TEXT,
  -- Thin notices (Eventbrite) wait for details fetched in the background: pending, ready or dead.
  details_status TEXT,
  details TEXT,
  details_attempts INTEGER NOT NULL DEFAULT 0,
  details_next_at INTEGER,
  details_error TEXT
);
CREATE UNIQUE INDEX inbox_dedup ON inbox (source_id, dedup_key);
CREATE INDEX inbox_unprocessed ON inbox (id) WHERE processed_at IS NULL;
CREATE INDEX inbox_processed_at ON inbox (processed_at) WHERE processed_at IS NOT NULL;
CREATE INDEX inbox_details_due ON inbox (details_next_at) WHERE details_status = 'pending';

CREATE TABLE once_keys (
  source_id TEXT NOT NULL,
  once_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (source_id, once_key)
) WITHOUT ROWID;

CREATE TABLE contacts (
  source_id TEXT NOT NULL,
  contact_key TEXT NOT NULL,
  contact TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (source_id, contact_key)
) WITHOUT ROWID;

CREATE TABLE source_events (
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  starts_at INTEGER,
  ends_at INTEGER,
  PRIMARY KEY (source_id, source_event_id)
) WITHOUT ROWID;

CREATE TABLE sessions (
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  email TEXT NOT NULL,
  first_join INTEGER,
  last_join INTEGER,
  last_leave INTEGER,
  sent_join INTEGER,
  sent_leave INTEGER,
  open_since INTEGER,
  contact TEXT NOT NULL,
  PRIMARY KEY (source_id, source_event_id, email)
) WITHOUT ROWID;
CREATE INDEX sessions_open ON sessions (open_since) WHERE open_since IS NOT NULL;

CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  inbox_id INTEGER,
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  target_key TEXT,
  state TEXT NOT NULL,
  email TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  input TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER,
  claim_token TEXT,
  last_error TEXT,
  vid INTEGER,
  received_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX records_ready ON records (target_key, state, occurred_at, id) WHERE status = 'pending';
CREATE INDEX records_due ON records (target_key, state, next_attempt_at) WHERE status = 'pending';
CREATE INDEX records_inflight ON records (target_key, state) WHERE status = 'inflight';
CREATE INDEX records_claim ON records (claim_token) WHERE status = 'inflight';
CREATE INDEX records_contact ON records (target_key, email, occurred_at, id) WHERE status IN ('pending', 'inflight');
CREATE INDEX records_same_contact ON records (source_id, source_event_id, email) WHERE status IN ('pending', 'unmapped');
CREATE INDEX records_unmapped ON records (source_id, source_event_id) WHERE status = 'unmapped';
CREATE INDEX records_status ON records (status, updated_at);

CREATE TABLE heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
