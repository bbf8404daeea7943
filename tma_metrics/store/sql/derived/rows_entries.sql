-- What billing reads of the time entries of the contracts in $names; owner is the
-- contract's position in $names.
WITH wanted AS (SELECT unnest($names) AS name, generate_subscripts($names, 1) - 1 AS owner)
SELECT w.owner, e.ticket_uid, e.ticket_key, e.uid, e."date", e.hours, e.started_at
FROM ({entries}) e JOIN wanted w ON w.name = e.contract
ORDER BY w.owner, e."date", e.uid;
