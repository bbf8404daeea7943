-- What billing reads of the staged tickets of the contracts in $names; owner is the
-- contract's position in $names.
WITH wanted AS (SELECT unnest($names) AS name, generate_subscripts($names, 1) - 1 AS owner)
SELECT w.owner, t.* EXCLUDE (contract, row_print)
FROM derived_stage_ticket t JOIN wanted w ON w.name = t.contract
ORDER BY w.owner, t.uid;
