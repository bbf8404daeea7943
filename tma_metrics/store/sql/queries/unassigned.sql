-- What no contract covers: tickets and time entries by project label.
WITH tickets AS (
    SELECT coalesce(t.project, '(sans projet)') AS project, count(*) AS tickets
    FROM ticket t
    WHERE NOT EXISTS (
        SELECT 1 FROM contract_project cp
        WHERE cp.label = norm_label(t.project) OR cp.label = norm_label(t.project_name))
    GROUP BY ALL
),
entries AS (
    SELECT coalesce(e.project, '(sans projet)') AS project, count(*) AS time_entries,
           sum(e.hours) AS hours
    FROM time_entry e
    WHERE NOT EXISTS (
        SELECT 1 FROM ticket t JOIN contract_project cp
            ON cp.label = norm_label(t.project) OR cp.label = norm_label(t.project_name)
        WHERE e.ticket_key = t.key AND (e.ticket_source IS NULL OR e.ticket_source = t.source))
      AND NOT EXISTS (SELECT 1 FROM contract_project cp WHERE cp.label = norm_label(e.project))
    GROUP BY ALL
)
SELECT project, coalesce(tickets, 0) AS tickets, coalesce(time_entries, 0) AS time_entries,
       coalesce(hours, 0) AS hours
FROM tickets FULL OUTER JOIN entries USING (project)
ORDER BY hours DESC, tickets DESC;
