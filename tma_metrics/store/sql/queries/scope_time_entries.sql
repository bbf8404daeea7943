-- The ORDER BY stays on the last line: `Store.data_end` drops it to aggregate the rows.
-- Time entries of the contracts in scope, each with its contract and ticket uid, by
-- contract and date (the entries up to an as-of date are then the first rows).
-- An entry belongs to the contract of its ticket; an entry whose ticket is unknown
-- (or that has none) belongs to the contract of its own project, when it names one.
-- Fast path: each project spelling is normalised once and matched by equality; only the
-- entries that can belong to the scope (their ticket key is one of the scope's tickets,
-- or their project is one of its projects) are resolved to a ticket, and each entry
-- gets its contract by left joins (no join of two million entries back on their uid).
WITH spelling AS (
    SELECT raw, norm_label(raw) AS label
    FROM (
        SELECT project AS raw FROM ticket
        UNION SELECT project_name FROM ticket
        UNION SELECT project FROM time_entry
    )
    WHERE raw IS NOT NULL
),
matched AS (
    SELECT DISTINCT cp.contract, s.raw
    FROM spelling s JOIN contract_project cp ON cp.label = s.label
),
contract_ticket AS MATERIALIZED (
    SELECT DISTINCT contract, uid AS ticket_uid, key
    FROM (
        SELECT m.contract, t.uid, t.key FROM ticket t JOIN matched m ON m.raw = t.project
        UNION ALL
        SELECT m.contract, t.uid, t.key FROM ticket t JOIN matched m ON m.raw = t.project_name
    )
),
candidate AS MATERIALIZED (
    SELECT e.* EXCLUDE (row_hash, batch_id)
    FROM time_entry e
    WHERE e.ticket_key IN (SELECT key FROM contract_ticket)
       OR e.project IN (SELECT raw FROM matched)
),
first_ticket AS (
    -- an entry that names no tool matches the key in any tool: the first tool by name
    SELECT key, arg_min(uid, source) AS uid
    FROM ticket
    WHERE key IN (SELECT ticket_key FROM candidate)
    GROUP BY key
),
resolved AS (
    SELECT c.*,
           coalesce(x.uid, CASE WHEN c.ticket_source IS NULL THEN f.uid END) AS ticket_uid
    FROM candidate c
    LEFT JOIN ticket x ON x.key = c.ticket_key AND x.source = c.ticket_source
    LEFT JOIN first_ticket f ON f.key = c.ticket_key
)
-- By its ticket's contract(s); else, when its ticket is in no contract, by its project.
SELECT coalesce(ct.contract, m.contract) AS contract, r.ticket_uid, r.* EXCLUDE (ticket_uid)
FROM resolved r
LEFT JOIN contract_ticket ct ON ct.ticket_uid = r.ticket_uid
LEFT JOIN matched m ON ct.contract IS NULL AND m.raw = r.project
WHERE coalesce(ct.contract, m.contract) IS NOT NULL
ORDER BY contract, "date", uid
;
