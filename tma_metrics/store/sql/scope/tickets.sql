-- Contracts of the staged tickets (temp table `stage`) against the writer's contracts
-- (table `scope_label(label, contract, allowed)`). A ticket is in scope when its
-- version in the file AND the version already stored under its uid each belong to at
-- least one contract and only to contracts the writer has. `contracts` and `outside`
-- describe the file's version (what the import brings). The file's tickets are then
-- kept in `file_ticket` (with whether they are refused): the file's time entries and
-- status changes belong to their contracts, and nothing is written on a refused one.
CREATE OR REPLACE TEMP TABLE stage_scope AS
WITH version AS (
    SELECT uid, false AS stored, project, project_name FROM stage
    UNION ALL
    SELECT uid, true, project, project_name FROM ticket WHERE uid IN (SELECT uid FROM stage)
),
spelling AS (
    SELECT raw, norm_label(raw) AS label
    FROM (SELECT project AS raw FROM version UNION SELECT project_name FROM version)
    WHERE raw IS NOT NULL
),
hit AS (
    SELECT v.uid, v.stored, l.contract, l.allowed
    FROM version v JOIN spelling s ON s.raw = v.project JOIN scope_label l ON l.label = s.label
    UNION ALL
    SELECT v.uid, v.stored, l.contract, l.allowed
    FROM version v JOIN spelling s ON s.raw = v.project_name
    JOIN scope_label l ON l.label = s.label
),
per_version AS (
    SELECT v.uid, v.stored,
           count(h.contract) > 0 AND coalesce(bool_and(h.allowed), false) AS in_scope,
           count(h.contract) = 0 AS outside,
           list(DISTINCT h.contract) FILTER (WHERE h.contract IS NOT NULL) AS contracts
    FROM version v LEFT JOIN hit h ON h.uid = v.uid AND h.stored = v.stored
    GROUP BY v.uid, v.stored
)
SELECT uid,
       bool_and(in_scope) AS in_scope,
       bool_or(outside) FILTER (WHERE NOT stored) AS outside,
       any_value(contracts) FILTER (WHERE NOT stored) AS contracts
FROM per_version
GROUP BY uid;

INSERT INTO file_ticket
SELECT s.source, s.key, s.project, s.project_name, NOT (c.in_scope OR $everything)
FROM stage s JOIN stage_scope c USING (uid);
