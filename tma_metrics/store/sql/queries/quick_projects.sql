-- Projects found in a visitor's files (Solde rapide), one row per project label, the
-- way a contract listing that one project would gather them: a ticket by its project
-- (else its project name), a time entry by its ticket's project, else by its own.
-- Spellings that differ only by case or accents are one project (shown as the first).
WITH ticket_project AS (
    SELECT source, key, coalesce(project, project_name) AS project FROM ticket
),
entry_project AS (
    SELECT coalesce(t.project, e.project) AS project, e.hours, e."date"
    FROM time_entry e
    LEFT JOIN (
        -- an entry that names no tool matches the key in any tool: the first by name
        SELECT key, arg_min(project, source) AS project FROM ticket_project GROUP BY key
    ) t ON t.key = e.ticket_key
),
labelled AS (
    SELECT project, norm_label(project) AS label, 1 AS ticket, 0 AS entry,
           0.0 AS hours, NULL::DATE AS "date"
    FROM ticket_project WHERE project IS NOT NULL
    UNION ALL
    SELECT project, norm_label(project), 0, 1, hours, "date"
    FROM entry_project WHERE project IS NOT NULL
)
SELECT min(project) AS project,
       sum(ticket)::BIGINT AS tickets,
       sum(entry)::BIGINT AS time_entries,
       sum(hours) AS hours,
       min("date") AS first_day,
       max("date") AS last_day
FROM labelled
GROUP BY label
ORDER BY hours DESC, tickets DESC, project;
