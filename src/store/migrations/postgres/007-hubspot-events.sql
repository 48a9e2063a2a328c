-- 6: HubSpot marketing events the relay creates and keeps up to date (createEvents, docs/hubspot-events.md).
-- One row per mapped source event; `details` are what the source told (name, times, link), `sent` the
-- last input HubSpot confirmed, `finish` a complete/cancel still to send once the event's records are out.
CREATE TABLE hubspot_events (
  source_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  target_key TEXT NOT NULL,
  external_account_id TEXT NOT NULL,
  external_event_id TEXT NOT NULL,
  details TEXT NOT NULL,
  details_changed_at BIGINT NOT NULL,
  sent TEXT,
  last_sent_at BIGINT,
  finish TEXT,
  state TEXT NOT NULL,
  object_id TEXT,
  last_error TEXT,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (source_id, source_event_id)
);
CREATE INDEX hubspot_events_target ON hubspot_events (target_key);
CREATE INDEX hubspot_events_due ON hubspot_events (next_attempt_at) WHERE state IN ('pending', 'created');
