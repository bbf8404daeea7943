-- Stage, for the scope check of an undo, the time-entry versions it would write or
-- remove (undo_plan_time_entry), as undo_stage_tickets.sql does for tickets.
CREATE OR REPLACE TEMP TABLE stage AS
SELECT DISTINCT ON (p.uid) p.uid, v.entry_id, v.ticket_source, v.ticket_key, v.project
FROM undo_plan_time_entry p
JOIN time_entry_version v ON v.uid = p.uid AND p.target = md5_number(v.row_hash)
WHERE NOT p.kept
UNION ALL
SELECT p.uid, e.entry_id, e.ticket_source, e.ticket_key, e.project
FROM undo_plan_time_entry p JOIN time_entry e USING (uid)
WHERE NOT p.kept AND p.target IS NULL;
