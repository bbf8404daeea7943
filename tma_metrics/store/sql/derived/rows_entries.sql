-- What billing reads of the staged time entries of the contracts in $names; owner is
-- the contract's position in $names.
WITH wanted AS (SELECT unnest($names) AS name, generate_subscripts($names, 1) - 1 AS owner)
SELECT w.owner, e.* EXCLUDE (contract, row_print)
FROM derived_stage_entry e JOIN wanted w ON w.name = e.contract
ORDER BY w.owner, e."date", e.uid;
