-- Per ticket of the contracts $ids: the hours and entries dated up to $as_of.
SELECT ticket_id, sum(hours) AS spent_hours, sum(entries)::BIGINT AS entry_count
FROM {schema}.derived_ticket_day
WHERE contract_id IN (SELECT unnest($ids)) AND day <= $as_of AND ticket_id IS NOT NULL
GROUP BY ticket_id;
