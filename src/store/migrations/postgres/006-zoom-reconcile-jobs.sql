-- 7: Zoom reconciliation jobs (issue 18): after a webinar or meeting ends (or was never reported
-- ended), the relay reads Zoom's participant report and fills what the webhooks missed. One job per
-- source, Zoom id and instance uuid ('' = the latest instance); durable, so a restart keeps it.
-- status: pending (due at due_at), done, dead (Zoom refused; replayable), superseded (an ended came).
CREATE TABLE zoom_reconcile_jobs (
  id BIGSERIAL PRIMARY KEY,
  source_id TEXT NOT NULL,
  zoom_id TEXT NOT NULL,
  uuid TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  lease_until BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_ready_since BIGINT,
  last_error TEXT,
  result TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX zoom_reconcile_jobs_instance ON zoom_reconcile_jobs (source_id, zoom_id, uuid);
CREATE INDEX zoom_reconcile_jobs_due ON zoom_reconcile_jobs (due_at) WHERE status = 'pending';
