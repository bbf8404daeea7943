-- The derived tickets of the contracts $ids, with their contract's name.
SELECT c.name AS contract, t.*
FROM {schema}.derived_ticket t JOIN {schema}.derived_contract c USING (contract_id)
WHERE t.contract_id IN (SELECT unnest($ids))
ORDER BY t.contract_id, t.ticket_id;
