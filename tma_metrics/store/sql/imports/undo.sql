-- Undo batch $batch in {table}: rows it wrote go back to the versions it replaced;
-- versions it wrote that a later import already replaced drop out of the chain, so
-- undoing that later import restores what came before $batch.
UPDATE {table}_version AS p SET replaced_by = x.replaced_by
FROM {table}_version AS x
WHERE x.batch_id = $batch AND p.replaced_by = $batch AND p.uid = x.uid;

DELETE FROM {table}_version WHERE batch_id = $batch;

DELETE FROM {table} WHERE batch_id = $batch;

INSERT INTO {table} SELECT * EXCLUDE (replaced_by) FROM {table}_version WHERE replaced_by = $batch;

DELETE FROM {table}_version WHERE replaced_by = $batch;
