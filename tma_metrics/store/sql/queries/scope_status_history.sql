-- Status changes of the tickets in scope (each change once, whatever the imports), under
-- the key and tool of the ticket they apply to: `status_link` links a row to its ticket
-- by key, whatever tool wrote it (a history file beside Redmine CSV exports, a live
-- sync). Project spellings are normalised once each, then matched by equality (see
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
    SELECT t.uid, t.source, t.key, t.project FROM ticket t
    WHERE t.project IN (SELECT raw FROM matched)
    UNION
    SELECT t.uid, t.source, t.key, t.project FROM ticket t
    WHERE t.project_name IN (SELECT raw FROM matched)
)
SELECT DISTINCT
    t.uid AS ticket_uid, t.source, t.key AS ticket_key, l."at", l.status, t.project
FROM status_link l
JOIN in_scope t ON t.uid = l.ticket_uid
ORDER BY ticket_uid, "at", status;
