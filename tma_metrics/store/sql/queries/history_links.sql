-- How the status changes of one import link to tickets (`status_link`): rows, rows
-- linked, the keys of the rows linked to no ticket (a few, sorted) and how many keys
-- several tools share without the row naming a project that tells them apart.
WITH rows AS (
    SELECT * FROM status_link WHERE batch_id = $batch
),
unlinked AS (
    SELECT DISTINCT ticket_key, project FROM rows WHERE ticket_uid IS NULL
),
shared AS (
    SELECT u.ticket_key
    FROM unlinked u JOIN ticket t ON t.key = u.ticket_key
    GROUP BY u.ticket_key
    HAVING count(DISTINCT t.uid) > 1
)
SELECT
    (SELECT count(*) FROM rows) AS rows,
    (SELECT count(*) FROM rows WHERE ticket_uid IS NOT NULL) AS linked,
    (SELECT count(DISTINCT ticket_key) FROM unlinked) AS unlinked_keys,
    (SELECT list(ticket_key ORDER BY ticket_key)[1:$named]
       FROM (SELECT DISTINCT ticket_key FROM unlinked)) AS named,
    (SELECT count(*) FROM shared) AS ambiguous;
