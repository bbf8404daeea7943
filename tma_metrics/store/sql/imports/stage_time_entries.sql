-- Stage incoming time entries (view `incoming`). Identity: the tool's entry id when
-- the export has one; otherwise the content fingerprint plus its rank among identical
-- entries of the file, so two identical 1 h entries stay two entries and a re-import
-- of the same export matches them one to one.
-- Every row is first staged as if it were unique (rank 1, one copy); the few rows that
-- repeat are then numbered or dropped. Window functions over the whole file (two
-- million wide rows) took most of an import's time and memory.
-- Rows are identified by the stage's rowid, in file order: `_line` is not unique (the
-- time entries of a Jira `Log Work` cell share their issue's line, and the sheets of
-- a workbook each start at line 2).
CREATE OR REPLACE TEMP TABLE stage AS
SELECT
    CASE
        WHEN entry_id IS NOT NULL THEN source || ':id:' || entry_id
        ELSE source || ':fp:' || row_hash || ':1'
    END AS uid,
    source, entry_id, date, started_at, person, hours, ticket_source, ticket_key, project,
    activity, comment, row_hash,
    1::BIGINT AS copies,
    _line
FROM (
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
);

-- Identical entries without an id: number them in file order (1, 2, ...).
-- Candidates are found by a 64-bit hash of (source, row_hash): grouping integers is
-- cheaper than grouping two million 32-character strings. A hash collision only adds
-- candidates; the numbering itself partitions by the exact (source, row_hash).
UPDATE stage SET uid = r.source || ':fp:' || r.row_hash || ':' || r.rank
FROM (
    SELECT s.rowid AS row_id, s.source, s.row_hash,
           row_number() OVER (
               PARTITION BY s.source, s.row_hash ORDER BY s._line, s.rowid
           ) AS rank
    FROM stage s
    JOIN (
        SELECT hash(source, row_hash) AS h FROM stage WHERE entry_id IS NULL
        GROUP BY h HAVING count(*) > 1
    ) d ON d.h = hash(s.source, s.row_hash)
    WHERE s.entry_id IS NULL
) r
WHERE stage.rowid = r.row_id AND r.rank > 1;

-- An entry id repeated in the file keeps its last line and counts its copies.
UPDATE stage SET copies = d.copies
FROM (
    SELECT uid, count(*) AS copies FROM stage WHERE entry_id IS NOT NULL
    GROUP BY uid HAVING count(*) > 1
) d
WHERE stage.uid = d.uid;

DELETE FROM stage
WHERE rowid IN (
    SELECT row_id FROM (
        SELECT rowid AS row_id,
               row_number() OVER (PARTITION BY uid ORDER BY _line DESC, rowid DESC) AS latest
        FROM stage WHERE copies > 1
    )
    WHERE latest > 1
);
