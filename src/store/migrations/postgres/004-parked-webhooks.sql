-- 4: a verified webhook its source cannot read is kept, parked with the reason, until a replay
-- (after a configuration change or an upgrade) reads it again. Parked rows are not processed.
ALTER TABLE inbox ADD COLUMN parked_reason TEXT;
CREATE INDEX inbox_parked ON inbox (id) WHERE parked_reason IS NOT NULL;
