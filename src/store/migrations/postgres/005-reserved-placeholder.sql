-- 005: reserved so that this branch's 007 applies in order; the lead's merge replaces this file
-- with the 005 migration of another branch (a placeholder changes nothing).
SELECT 1;
