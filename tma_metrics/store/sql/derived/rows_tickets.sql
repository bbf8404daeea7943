-- What billing reads of the tickets of the contracts in $names (temp table
-- contract_project names every contract, so each ticket has its scope's contract);
-- owner is the contract's position in $names.
WITH wanted AS (SELECT unnest($names) AS name, generate_subscripts($names, 1) - 1 AS owner)
SELECT w.owner, t.uid, t.key, t.source, t.tracker, t.kind, t.created_at, t.estimate_hours,
       t.estimate_status, t.reestimate_hours, t.reestimated_at, t.reestimate_status
FROM ({tickets}) t JOIN wanted w ON w.name = t.contract
ORDER BY w.owner, t.uid;
