-- Classify staged rows against {table} before merging: added, updated, unchanged.
SELECT
    count(*) FILTER (WHERE t.uid IS NULL) AS added,
    count(*) FILTER (WHERE t.uid IS NOT NULL AND t.row_hash <> s.row_hash) AS updated,
    count(*) FILTER (WHERE t.row_hash = s.row_hash) AS unchanged,
    coalesce(sum(s.copies - 1), 0) AS repeated
FROM stage s LEFT JOIN {table} t USING (uid);
