-- Stage incoming tickets (view `incoming`) with their identity and content hash;
-- a key repeated in one file keeps its last line.
CREATE OR REPLACE TEMP TABLE stage AS
SELECT
    source || ':' || key AS uid,
    *,
    md5(concat_ws('|',
        coalesce(project, '∅'), coalesce(project_name, '∅'), coalesce(title, '∅'),
        coalesce(tracker, '∅'), coalesce(kind, '∅'), coalesce(priority, '∅'),
        coalesce(status, '∅'), coalesce(resolution, '∅'),
        coalesce(created_at::VARCHAR, '∅'), coalesce(responded_at::VARCHAR, '∅'),
        coalesce(workaround_at::VARCHAR, '∅'), coalesce(resolved_at::VARCHAR, '∅'),
        coalesce(closed_at::VARCHAR, '∅'), coalesce(updated_at::VARCHAR, '∅'),
        coalesce(estimate_hours::VARCHAR, '∅'),
        coalesce(estimate_status, '∅'), coalesce(reestimate_hours::VARCHAR, '∅'),
        coalesce(reestimated_at::VARCHAR, '∅'), coalesce(reestimate_status, '∅'),
        coalesce(estimated_at::VARCHAR, '∅'), coalesce(approved_at::VARCHAR, '∅'),
        coalesce(delivered_at::VARCHAR, '∅'), coalesce(spent_hours::VARCHAR, '∅'),
        coalesce(assignee, '∅'), coalesce(extra, '∅')
    )) AS row_hash,
    count(*) OVER (PARTITION BY source, key) AS copies
FROM incoming
QUALIFY row_number() OVER (PARTITION BY source, key ORDER BY _line DESC) = 1;
