-- Move the staged tickets outside the writer's scope (stage_scope) to `refused`.
INSERT INTO refused
SELECT s._line, 'projet', coalesce(s.project, s.project_name, ''), $reason
FROM stage s JOIN stage_scope c USING (uid)
WHERE NOT c.in_scope;

DELETE FROM stage WHERE uid IN (SELECT uid FROM stage_scope WHERE NOT in_scope);
