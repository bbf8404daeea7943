-- What undoing $batch does to {table}: for every row it held, the current version and
-- the version the newest OTHER active import holding the row brought (NULL when no
-- other import holds it: the row goes). `kept` rows do not change (their archived
-- versions may still stop being held). Rows and versions are compared as the
-- membership table stores them (md5_number of uid and row_hash).
CREATE OR REPLACE TEMP TABLE undo_plan_{table} AS
WITH mine AS (
    SELECT DISTINCT row_key FROM {table}_held WHERE batch_id = $batch
),
target AS (
    SELECT m.row_key, arg_max(h.version, h.batch_id) AS target
    FROM mine m
    LEFT JOIN {table}_held h ON h.row_key = m.row_key AND h.batch_id <> $batch
    GROUP BY m.row_key
),
current AS (
    SELECT uid, row_hash, md5_number(uid) AS row_key FROM {table}
    WHERE md5_number(uid) IN (SELECT row_key FROM mine)
)
SELECT c.uid, c.row_hash AS current_hash, g.target,
       g.target IS NOT DISTINCT FROM md5_number(c.row_hash) AS kept
FROM target g JOIN current c USING (row_key);
