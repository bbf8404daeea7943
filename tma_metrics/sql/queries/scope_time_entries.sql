-- Time entries of the contracts in scope, each with its contract and ticket uid.
-- An entry belongs to the contract of its ticket; an entry whose ticket is unknown
-- (or that has none) belongs to the contract of its own project, when it names one.
WITH contract_ticket AS (
    SELECT cp.contract, t.uid AS ticket_uid, t.source, t.key
    FROM ticket t
    JOIN contract_project cp
        ON cp.label = norm_label(t.project) OR cp.label = norm_label(t.project_name)
),
any_ticket AS (
    SELECT e.uid, t.uid AS ticket_uid
    FROM time_entry e
    JOIN ticket t
        ON e.ticket_key = t.key AND (e.ticket_source IS NULL OR e.ticket_source = t.source)
    QUALIFY row_number() OVER (PARTITION BY e.uid ORDER BY t.source) = 1
),
by_ticket AS (
    SELECT a.uid, ct.contract, a.ticket_uid
    FROM any_ticket a JOIN contract_ticket ct USING (ticket_uid)
),
by_project AS (
    SELECT e.uid, cp.contract, a.ticket_uid
    FROM time_entry e
    JOIN contract_project cp ON cp.label = norm_label(e.project)
    LEFT JOIN any_ticket a USING (uid)
    WHERE e.uid NOT IN (SELECT uid FROM by_ticket)
)
SELECT s.contract, s.ticket_uid, e.* EXCLUDE (row_hash, batch_id)
FROM (SELECT * FROM by_ticket UNION ALL SELECT * FROM by_project) s
JOIN time_entry e USING (uid);
