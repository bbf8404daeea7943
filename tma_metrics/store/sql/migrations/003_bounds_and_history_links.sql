-- Schema version 3: the ticket's last update (an upper bound of its resolution, never an
-- event), the project a status-history row names, and the link of every history row to
-- its ticket whatever tool wrote the row (DOMAIN.md §4: a status history applies to the
-- tickets of any source with the same key).
ALTER TABLE ticket ADD COLUMN updated_at TIMESTAMP;

-- ticket_version mirrors ticket column for column (merge.sql and undo.sql copy rows by
-- position).
ALTER TABLE ticket_version ADD COLUMN updated_at TIMESTAMP;

ALTER TABLE status_change ADD COLUMN project VARCHAR;

-- Each status change with the ticket it applies to (ticket_uid NULL: none). A row names a
-- ticket by its key; it links to, in order:
--   1. the ticket of the row's own tool with that key (a live sync writes its tool);
--   2. else the only ticket with that key, whatever its tool (a history file beside
--      CSV exports);
--   3. else, when tickets of several tools share the key, the only one whose project
--      (or project name) is the row's project.
-- A row that none of these singles out links to no ticket (the import report says so).
CREATE VIEW status_link AS
WITH named AS (
    SELECT DISTINCT source, ticket_key, project FROM status_change
),
candidate AS (
    SELECT
        n.source AS history_source,
        n.ticket_key,
        n.project AS history_project,
        t.uid,
        CASE
            WHEN t.source = n.source THEN 0
            WHEN count(*) OVER (PARTITION BY n.source, n.ticket_key, n.project) = 1 THEN 1
            WHEN norm_label(n.project) IN (norm_label(t.project), norm_label(t.project_name))
                THEN 2
        END AS rank
    FROM named n JOIN ticket t ON t.key = n.ticket_key
),
ranked AS (
    SELECT *, min(rank) OVER (PARTITION BY history_source, ticket_key, history_project) AS best
    FROM candidate
    WHERE rank IS NOT NULL
),
link AS (
    SELECT history_source, ticket_key, history_project, any_value(uid) AS uid
    FROM ranked
    WHERE rank = best
    GROUP BY ALL
    HAVING count(*) = 1
)
SELECT s.*, l.uid AS ticket_uid
FROM status_change s
LEFT JOIN link l
    ON l.history_source = s.source
   AND l.ticket_key = s.ticket_key
   AND l.history_project IS NOT DISTINCT FROM s.project;
