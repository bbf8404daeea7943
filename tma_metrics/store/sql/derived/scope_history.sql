-- The status history of the tickets of the contracts in $names.
SELECT h.* FROM ({history}) h
WHERE h.ticket_uid IN (SELECT uid FROM ({tickets}) WHERE contract IN (SELECT unnest($names)))
ORDER BY h.ticket_uid, h."at", h.status;
