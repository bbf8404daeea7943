-- A fingerprint of each contract's staged rows (stage.sql): a contract whose
-- fingerprint did not change keeps its derived rows.
WITH tf AS (
    SELECT contract, count(*) AS n, sum(row_print::HUGEINT) AS h
    FROM derived_stage_ticket GROUP BY contract
),
ef AS (
    SELECT contract, count(*) AS n, sum(row_print::HUGEINT) AS h
    FROM derived_stage_entry GROUP BY contract
)
SELECT coalesce(tf.contract, ef.contract) AS contract,
       coalesce(tf.n, 0) || ':' || coalesce(tf.h, 0) || ':' || coalesce(ef.n, 0) || ':'
           || coalesce(ef.h, 0) AS fingerprint
FROM tf FULL OUTER JOIN ef ON tf.contract = ef.contract;
