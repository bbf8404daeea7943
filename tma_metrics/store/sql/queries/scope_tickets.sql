-- The ORDER BY stays on the last line: `Store.data_end` drops it to aggregate the rows.
-- Tickets of the contracts in scope (temp table contract_project(contract, label)),
-- sorted so that every figure computed from them is the same from one run to the next.
-- A ticket belongs to the first contract (by name) one of whose projects is its project
-- or its project name. Each distinct spelling of a project is normalised once and
-- matched by equality: a join on `label = norm(project) OR label = norm(project_name)`
-- cannot use a hash table and compared every ticket with every label.
WITH spelling AS (
    SELECT raw, norm_label(raw) AS label
    FROM (SELECT project AS raw FROM ticket UNION SELECT project_name FROM ticket)
    WHERE raw IS NOT NULL
),
matched AS (
    SELECT DISTINCT cp.contract, s.raw
    FROM spelling s JOIN contract_project cp ON cp.label = s.label
),
ticket_contract AS (
    SELECT uid, min(contract) AS contract
    FROM (
        SELECT t.uid, m.contract FROM ticket t JOIN matched m ON m.raw = t.project
        UNION ALL
        SELECT t.uid, m.contract FROM ticket t JOIN matched m ON m.raw = t.project_name
    )
    GROUP BY uid
)
SELECT c.contract, t.* EXCLUDE (row_hash, batch_id)
FROM ticket t JOIN ticket_contract c USING (uid)
ORDER BY contract, uid;
