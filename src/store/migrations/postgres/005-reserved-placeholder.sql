-- 5: reserved for another branch's migration 005 (numbers are handed out per branch); this
-- placeholder keeps the numbering whole on branch h14 and is deleted when that branch is merged.
SELECT 1;
