-- What undoing $batch does to {table}: for every row it held, the current version and
-- the version the newest OTHER active import holding the row brought (NULL when no
-- other import holds it: the row goes). Only the rows whose version changes are kept,
-- plus the others flagged `kept` (their archived versions may no longer be held).
CREATE OR REPLACE TEMP TABLE undo_plan_{table} AS
SELECT uid, current_hash, target_hash, target_hash IS NOT DISTINCT FROM current_hash AS kept
FROM (
    SELECT a.uid, any_value(c.row_hash) AS current_hash,
           arg_max(h.row_hash, h.batch_id) AS target_hash
    FROM (SELECT DISTINCT uid FROM {table}_held WHERE batch_id = $batch) a
    LEFT JOIN {table}_held h ON h.uid = a.uid AND h.batch_id <> $batch
    LEFT JOIN {table} c ON c.uid = a.uid
    GROUP BY a.uid
);
