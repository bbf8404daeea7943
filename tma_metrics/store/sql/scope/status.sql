-- Contracts of the staged status changes (temp table `status_stage`): those of their
-- ticket (tool and key), stored or in the file (`file_ticket`); none on a ticket refused
-- to the writer. A change whose ticket is unknown belongs to no contract.
CREATE OR REPLACE TEMP TABLE status_scope AS
WITH wanted AS (SELECT DISTINCT source, ticket_key FROM status_stage),
named AS (
    SELECT t.source, t.key, t.project, t.project_name
    FROM (
        SELECT source, key, project, project_name FROM ticket
        UNION ALL
        SELECT source, key, project, project_name FROM file_ticket WHERE NOT refused
    ) t
    JOIN wanted w ON w.source = t.source AND w.ticket_key = t.key
),
spelling AS (
    SELECT raw, norm_label(raw) AS label
    FROM (SELECT project AS raw FROM named UNION SELECT project_name FROM named)
    WHERE raw IS NOT NULL
),
hit AS (
    SELECT n.source, n.key, l.contract, l.allowed
    FROM named n JOIN spelling s ON s.raw = n.project JOIN scope_label l ON l.label = s.label
    UNION ALL
    SELECT n.source, n.key, l.contract, l.allowed
    FROM named n JOIN spelling s ON s.raw = n.project_name JOIN scope_label l ON l.label = s.label
    UNION ALL
    SELECT source, key, NULL, false FROM file_ticket WHERE refused
)
SELECT w.source, w.ticket_key,
       count(h.allowed) > 0 AND coalesce(bool_and(h.allowed), false) AS in_scope,
       count(h.allowed) = 0 AS outside,
       list(DISTINCT h.contract) FILTER (WHERE h.contract IS NOT NULL) AS contracts
FROM wanted w LEFT JOIN hit h ON h.source = w.source AND h.key = w.ticket_key
GROUP BY w.source, w.ticket_key;
