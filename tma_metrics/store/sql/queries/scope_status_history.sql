-- Status changes of the tickets in scope (each change once, whatever the imports).
-- Project spellings are normalised once each, then matched by equality (see
-- scope_tickets.sql).
WITH spelling AS (
    SELECT raw, norm_label(raw) AS label
    FROM (SELECT project AS raw FROM ticket UNION SELECT project_name FROM ticket)
    WHERE raw IS NOT NULL
),
matched AS (
    SELECT DISTINCT s.raw FROM spelling s JOIN contract_project cp ON cp.label = s.label
),
in_scope AS (
    SELECT t.uid, t.source, t.key FROM ticket t WHERE t.project IN (SELECT raw FROM matched)
    UNION
    SELECT t.uid, t.source, t.key FROM ticket t WHERE t.project_name IN (SELECT raw FROM matched)
)
SELECT DISTINCT t.uid AS ticket_uid, s.source, s.ticket_key, s."at", s.status
FROM status_change s
JOIN in_scope t ON t.key = s.ticket_key AND t.source = s.source
ORDER BY ticket_uid, "at", status;
