-- Tickets of the contracts in scope (temp table contract_project(contract, label)).
SELECT cp.contract, t.* EXCLUDE (row_hash, batch_id)
FROM ticket t
JOIN contract_project cp
    ON cp.label = norm_label(t.project) OR cp.label = norm_label(t.project_name)
QUALIFY row_number() OVER (PARTITION BY t.uid ORDER BY cp.contract) = 1;
