-- Stage incoming time entries (view `incoming`). Identity: the tool's entry id when
-- the export has one; otherwise the content fingerprint plus its rank among identical
-- entries of the file, so two identical 1 h entries stay two entries and a re-import
-- of the same export matches them one to one.
CREATE OR REPLACE TEMP TABLE stage AS
WITH hashed AS (
    SELECT
        source, entry_id, CAST(date AS DATE) AS date, started_at, person, hours,
        ticket_source, ticket_key, project, activity, comment, _line,
        md5(concat_ws('|',
            source, CAST(date AS DATE)::VARCHAR, coalesce(started_at::VARCHAR, '∅'),
            coalesce(person, '∅'), hours::VARCHAR, coalesce(ticket_source, '∅'),
            coalesce(ticket_key, '∅'), coalesce(project, '∅'), coalesce(activity, '∅'),
            coalesce(comment, '∅')
        )) AS row_hash
    FROM incoming
),
identified AS (
    SELECT
        CASE
            WHEN entry_id IS NOT NULL THEN source || ':id:' || entry_id
            ELSE source || ':fp:' || row_hash || ':'
                || row_number() OVER (PARTITION BY source, entry_id IS NULL, row_hash ORDER BY _line)
        END AS uid,
        *
    FROM hashed
)
SELECT
    * EXCLUDE (_line),
    count(*) OVER (PARTITION BY uid) AS copies
FROM identified
QUALIFY row_number() OVER (PARTITION BY uid ORDER BY _line DESC) = 1;
