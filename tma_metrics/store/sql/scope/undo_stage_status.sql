-- Stage, for the scope check of an undo, the tickets of the status changes of $batch.
CREATE OR REPLACE TEMP TABLE status_stage AS
SELECT DISTINCT source, ticket_key FROM status_change WHERE batch_id = $batch;
