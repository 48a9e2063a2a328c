CREATE TABLE inbox (
  id BIGSERIAL PRIMARY KEY,
  source_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  body TEXT NOT NULL,
  processed_at BIGINT,
  outcome TEXT,
  details_status TEXT,
  details TEXT,
  details_attempts INTEGER NOT NULL DEFAULT 0,
  details_next_at BIGINT,
  details_error TEXT
);
CREATE UNIQUE INDEX inbox_dedup ON inbox (source_id, dedup_key);
CREATE INDEX inbox_unprocessed ON inbox (id) WHERE processed_at IS NULL;
CREATE INDEX inbox_processed_at ON inbox (processed_at) WHERE processed_at IS NOT NULL;
CREATE INDEX inbox_details_due ON inbox (details_next_at) WHERE details_status = 'pending';

CREATE TABLE once_keys (
  source_id TEXT NOT NULL, once_key TEXT NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (source_id, once_key)
);

CREATE TABLE contacts (
  source_id TEXT NOT NULL, contact_key TEXT NOT NULL, contact TEXT NOT NULL, updated_at BIGINT NOT NULL,
  PRIMARY KEY (source_id, contact_key)
);
CREATE TABLE source_events (
  source_id TEXT NOT NULL, source_event_id TEXT NOT NULL, starts_at BIGINT, ends_at BIGINT,
  PRIMARY KEY (source_id, source_event_id)
);
CREATE TABLE sessions (
  source_id TEXT NOT NULL, source_event_id TEXT NOT NULL, email TEXT NOT NULL,
  first_join BIGINT, last_join BIGINT, last_leave BIGINT, sent_join BIGINT, sent_leave BIGINT,
  open_since BIGINT, contact TEXT NOT NULL,
  PRIMARY KEY (source_id, source_event_id, email)
);
CREATE INDEX sessions_open ON sessions (open_since) WHERE open_since IS NOT NULL;
CREATE INDEX sessions_event_open ON sessions (source_id, source_event_id) WHERE open_since IS NOT NULL;

CREATE TABLE records (
  id BIGSERIAL PRIMARY KEY,
  inbox_id BIGINT,
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  target_key TEXT,
  state TEXT NOT NULL,
  email TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  input TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  claim_token TEXT,
  last_error TEXT,
  vid BIGINT,
  received_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- Partial indexes: millions of delivered rows never enter the ones the claim queries use.
CREATE INDEX records_ready ON records (target_key, state, occurred_at, id) WHERE status = 'pending';
CREATE INDEX records_due ON records (target_key, state, next_attempt_at) WHERE status = 'pending';
CREATE INDEX records_inflight ON records (target_key, state) WHERE status = 'inflight';
CREATE INDEX records_claim ON records (claim_token) WHERE status = 'inflight';
CREATE INDEX records_lease ON records (lease_until) WHERE status = 'inflight';
CREATE INDEX records_contact ON records (target_key, email, occurred_at, id) WHERE status IN ('pending', 'inflight');
CREATE INDEX records_same_contact ON records (source_id, source_event_id, email) WHERE status IN ('pending', 'unmapped');
CREATE INDEX records_unmapped ON records (source_id, source_event_id) WHERE status = 'unmapped';
CREATE INDEX records_status ON records (status, updated_at);

CREATE TABLE heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at BIGINT NOT NULL);

-- HubSpot's limits are per app: every replica's sends and pauses live here.
CREATE TABLE hubspot_sends (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL);
CREATE INDEX hubspot_sends_at ON hubspot_sends (at);
CREATE TABLE hubspot_pauses (kind TEXT PRIMARY KEY, until BIGINT NOT NULL, reason TEXT NOT NULL, details TEXT);

-- One round trip, serialised across replicas: a slot id when a send may go, else ms to wait.
CREATE FUNCTION relay_take_send_slot(max_sends integer, window_ms bigint, OUT slot_id bigint, OUT wait_ms bigint) AS $fn$
DECLARE
  now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  paused_until bigint;
  in_window integer;
  oldest bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(current_schema() || ':send-window'));
  SELECT until INTO paused_until FROM hubspot_pauses WHERE kind = 'rate-limit';
  IF paused_until IS NOT NULL AND paused_until > now_ms THEN
    wait_ms := paused_until - now_ms;
    RETURN;
  END IF;
  DELETE FROM hubspot_sends WHERE at <= now_ms - window_ms;
  SELECT count(*), min(at) INTO in_window, oldest FROM hubspot_sends;
  IF in_window < max_sends THEN
    INSERT INTO hubspot_sends (at) VALUES (now_ms) RETURNING id INTO slot_id;
    wait_ms := 0;
    RETURN;
  END IF;
  wait_ms := greatest(1, oldest + window_ms - now_ms + 1);
END
$fn$ LANGUAGE plpgsql;
