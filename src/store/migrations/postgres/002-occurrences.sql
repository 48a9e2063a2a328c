-- 2: sessions and event ends per occurrence (Zoom's object.uuid), a relay-made close kept apart
-- from a reported leave, the occurrence on records, and the indexes for the ordering rules.
ALTER TABLE sessions ADD COLUMN occurrence TEXT NOT NULL DEFAULT '', ADD COLUMN closed_at BIGINT;
ALTER TABLE sessions DROP CONSTRAINT sessions_pkey, ADD PRIMARY KEY (source_id, source_event_id, occurrence, email);
ALTER TABLE source_events ADD COLUMN occurrence TEXT NOT NULL DEFAULT '', ADD COLUMN ended_at BIGINT;
ALTER TABLE source_events DROP CONSTRAINT source_events_pkey, ADD PRIMARY KEY (source_id, source_event_id, occurrence);
ALTER TABLE records ADD COLUMN occurrence TEXT NOT NULL DEFAULT '';
-- A record older than a delivered one of another state for the same contact is not sent.
CREATE INDEX records_delivered_contact ON records (target_key, email, occurred_at) WHERE status = 'delivered';
-- Webhooks an earlier relay marked processed for want of their source (see UNCONFIGURED_OUTCOME).
CREATE INDEX inbox_unconfigured ON inbox (id) WHERE outcome LIKE '{"error":"source % is not configured"}';
