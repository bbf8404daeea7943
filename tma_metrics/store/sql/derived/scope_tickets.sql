-- The tickets of the contracts in $names, assigned as scope_tickets.sql assigns them
-- among every contract of contract_project.
SELECT * FROM ({tickets}) WHERE contract IN (SELECT unnest($names)) ORDER BY contract, uid;
