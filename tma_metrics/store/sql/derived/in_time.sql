-- The ticket-days up to $as_of that deduct otherwise while their ticket's refused
-- re-estimate is not late yet (billing.deducted_at decides, per as-of date).
SELECT d.contract_id, d.day, d.deducted_hours, d.deducted_in_time, t.late_since, t.management
FROM {schema}.derived_ticket_day d
JOIN {schema}.derived_ticket t USING (ticket_id)
WHERE d.contract_id IN (SELECT unnest($ids)) AND d.day <= $as_of
  AND d.deducted_in_time IS NOT NULL
ORDER BY d.contract_id, d.day;
