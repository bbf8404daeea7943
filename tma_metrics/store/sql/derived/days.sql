-- Per contract and day, up to $as_of: ledger.days_until's sums for the contracts $ids.
SELECT contract_id, day, hours, deducted_hours, management_hours, entries
FROM {schema}.derived_day
WHERE contract_id IN (SELECT unnest($ids)) AND day <= $as_of
ORDER BY contract_id, day;
