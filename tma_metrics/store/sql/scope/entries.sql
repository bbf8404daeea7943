-- Contracts of the staged time entries (temp table `stage`), as the readers assign them
-- (queries/scope_time_entries.sql): by the contract(s) of the ticket the entry names
-- (stored, or in the file: table `file_ticket`), else by its own project. An entry on a
-- ticket refused to the writer is refused too. Entries are classified by distinct
-- (ticket source, ticket key, project): a few hundred thousand combinations for two
-- million entries. The version already stored under an entry id counts too: nobody
-- moves another contract's entry into theirs.
CREATE OR REPLACE TEMP TABLE entry_combo AS
SELECT row_number() OVER () AS combo, ticket_source, ticket_key, project,
       sum(incoming)::BIGINT AS incoming
FROM (
    SELECT ticket_source, ticket_key, project, count(*) AS incoming
    FROM stage GROUP BY ALL
    UNION ALL
    SELECT DISTINCT e.ticket_source, e.ticket_key, e.project, 0
    FROM time_entry e
    WHERE e.entry_id IS NOT NULL AND e.uid IN (SELECT uid FROM stage WHERE entry_id IS NOT NULL)
)
GROUP BY ticket_source, ticket_key, project;

CREATE OR REPLACE TEMP TABLE combo_scope AS
WITH named AS (
    SELECT t.source, t.key, t.project, t.project_name
    FROM (
        SELECT source, key, project, project_name FROM ticket
        UNION ALL
        SELECT source, key, project, project_name FROM file_ticket WHERE NOT refused
    ) t
    WHERE t.key IN (SELECT ticket_key FROM entry_combo)
),
spelling AS (
    SELECT raw, norm_label(raw) AS label
    FROM (
        SELECT project AS raw FROM named
        UNION SELECT project_name FROM named
        UNION SELECT project FROM entry_combo
    )
    WHERE raw IS NOT NULL
),
ticket_hit AS (
    SELECT n.source, n.key, l.contract, l.allowed
    FROM named n JOIN spelling s ON s.raw = n.project JOIN scope_label l ON l.label = s.label
    UNION ALL
    SELECT n.source, n.key, l.contract, l.allowed
    FROM named n JOIN spelling s ON s.raw = n.project_name JOIN scope_label l ON l.label = s.label
    UNION ALL
    -- a ticket of the file refused to the writer: nothing may be written on it
    SELECT source, key, NULL, false FROM file_ticket WHERE refused
),
by_ticket AS MATERIALIZED (
    -- an entry that names no tool matches the key in every tool
    SELECT c.combo, h.contract, h.allowed
    FROM entry_combo c
    JOIN ticket_hit h ON h.key = c.ticket_key
     AND (c.ticket_source IS NULL OR h.source = c.ticket_source)
),
by_project AS (
    SELECT c.combo, l.contract, l.allowed
    FROM entry_combo c
    JOIN spelling s ON s.raw = c.project JOIN scope_label l ON l.label = s.label
    WHERE c.combo NOT IN (SELECT combo FROM by_ticket)
),
hit AS (SELECT * FROM by_ticket UNION ALL SELECT * FROM by_project),
per_combo AS (
    SELECT combo,
           bool_and(allowed) AS allowed,
           list(DISTINCT contract) FILTER (WHERE contract IS NOT NULL) AS contracts
    FROM hit GROUP BY combo
)
SELECT c.ticket_source, c.ticket_key, c.project, c.incoming,
       coalesce(p.allowed, false) AS in_scope,
       p.combo IS NULL AS outside,
       p.contracts
FROM entry_combo c LEFT JOIN per_combo p USING (combo);
