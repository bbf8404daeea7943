-- Status changes of the tickets in scope (each change once, whatever the imports).
SELECT DISTINCT t.uid AS ticket_uid, s.source, s.ticket_key, s."at", s.status
FROM status_change s
JOIN ticket t ON t.key = s.ticket_key AND t.source = s.source
JOIN contract_project cp
    ON cp.label = norm_label(t.project) OR cp.label = norm_label(t.project_name);
