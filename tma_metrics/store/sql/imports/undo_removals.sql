-- Put back the rows of {table} that batch $batch removed (a live sync saw them deleted at
-- the source): the version the newest active import still holding the row brought, when
-- the row is not there again and such an import remains. {table} is a code constant.
INSERT INTO {table}
SELECT DISTINCT ON (v.uid) v.*
FROM {table}_version v
JOIN (
    SELECT r.uid, arg_max(h.version, h.batch_id) AS target
    FROM {table}_removed r
    JOIN {table}_held h ON h.row_key = md5_number(r.uid) AND h.batch_id <> $batch
    WHERE r.batch_id = $batch
    GROUP BY r.uid
) p ON p.uid = v.uid AND p.target = md5_number(v.row_hash)
WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.uid = v.uid);

DELETE FROM {table}_removed WHERE batch_id = $batch;
