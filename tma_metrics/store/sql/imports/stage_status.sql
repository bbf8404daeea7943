-- Stage the incoming status changes (view `incoming`), each change once, with the project
-- it names and its first line ({line}: the `_line` column, or NULL when the relation has
-- none).
CREATE OR REPLACE TEMP TABLE status_stage AS
SELECT source, ticket_key, "at", status, project, min({line})::BIGINT AS _line
FROM incoming
GROUP BY source, ticket_key, "at", status, project;
