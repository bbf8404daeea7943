-- Move the staged time entries outside the writer's scope (combo_scope: the file's
-- version, and the stored one under the same entry id) to `refused`.
CREATE OR REPLACE TEMP TABLE refused_uid AS
SELECT s.uid
FROM stage s
JOIN combo_scope c
  ON c.ticket_source IS NOT DISTINCT FROM s.ticket_source
 AND c.ticket_key IS NOT DISTINCT FROM s.ticket_key
 AND c.project IS NOT DISTINCT FROM s.project
WHERE NOT c.in_scope
UNION
SELECT e.uid
FROM time_entry e
JOIN combo_scope c
  ON c.ticket_source IS NOT DISTINCT FROM e.ticket_source
 AND c.ticket_key IS NOT DISTINCT FROM e.ticket_key
 AND c.project IS NOT DISTINCT FROM e.project
WHERE NOT c.in_scope
  AND e.entry_id IS NOT NULL AND e.uid IN (SELECT uid FROM stage WHERE entry_id IS NOT NULL);

INSERT INTO refused
SELECT s._line,
       CASE WHEN s.ticket_key IS NULL THEN 'projet' ELSE 'demande' END,
       coalesce(s.ticket_key, s.project, ''),
       $reason
FROM stage s WHERE s.uid IN (SELECT uid FROM refused_uid);

DELETE FROM stage WHERE uid IN (SELECT uid FROM refused_uid);

DROP TABLE refused_uid;
