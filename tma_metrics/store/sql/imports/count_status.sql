SELECT
    count(*) FILTER (WHERE c.ticket_key IS NULL) AS added,
    0 AS updated,
    count(*) FILTER (WHERE c.ticket_key IS NOT NULL) AS unchanged,
    0 AS repeated
FROM status_stage i
LEFT JOIN (SELECT DISTINCT source, ticket_key, "at", status FROM status_change) c
    ON c.source = i.source AND c.ticket_key = i.ticket_key AND c."at" = i."at"
   AND c.status = i.status;
