-- Move the staged status changes outside the writer's scope (status_scope) to `refused`.
INSERT INTO refused
SELECT s._line, 'demande', s.ticket_key, $reason
FROM status_stage s
JOIN status_scope c ON c.source = s.source AND c.ticket_key = s.ticket_key
WHERE NOT c.in_scope;

DELETE FROM status_stage s USING status_scope c
WHERE c.source = s.source AND c.ticket_key = s.ticket_key AND NOT c.in_scope;
