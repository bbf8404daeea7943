-- Stage, for the scope check of an undo, the ticket versions it would write or remove
-- (undo_plan_ticket): the restored version, or the current row when none is left. The
-- check (scope/tickets.sql) adds the current row of each.
CREATE OR REPLACE TEMP TABLE stage AS
SELECT DISTINCT ON (p.uid) p.uid, v.source, v.key, v.project, v.project_name
FROM undo_plan_ticket p JOIN ticket_version v ON v.uid = p.uid AND p.target = md5_number(v.row_hash)
WHERE NOT p.kept
UNION ALL
SELECT p.uid, t.source, t.key, t.project, t.project_name
FROM undo_plan_ticket p JOIN ticket t USING (uid)
WHERE NOT p.kept AND p.target IS NULL;
