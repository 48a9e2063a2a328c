-- 3: SQLite gains records_lease, which PostgreSQL has had since version 1. Nothing changes here:
-- the version keeps both dialects' schema numbers in step.
SELECT 1;
