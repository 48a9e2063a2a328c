-- 3: the expired-lease sweep (releaseExpiredLeases) reads in-flight records by lease end, as
-- PostgreSQL has done since its first version.
CREATE INDEX records_lease ON records (lease_until) WHERE status = 'inflight';
