-- A fingerprint of each contract's rows, as the scope queries assign them (temp table
-- contract_project): what billing reads of its tickets and time entries. A contract
-- whose fingerprint did not change keeps its derived rows.
WITH t AS ({tickets}),
e AS ({entries}),
tf AS (
    SELECT contract, count(*) AS n,
           sum(hash(uid, tracker, kind, created_at, estimate_hours, estimate_status,
                    reestimate_hours, reestimated_at, reestimate_status)::HUGEINT) AS h
    FROM t GROUP BY contract
),
ef AS (
    SELECT contract, count(*) AS n,
           sum(hash(uid, ticket_uid, ticket_key, "date", hours, started_at)::HUGEINT) AS h
    FROM e GROUP BY contract
)
SELECT coalesce(tf.contract, ef.contract) AS contract,
       coalesce(tf.n, 0) || ':' || coalesce(tf.h, 0) || ':' || coalesce(ef.n, 0) || ':'
           || coalesce(ef.h, 0) AS fingerprint
FROM tf FULL OUTER JOIN ef ON tf.contract = ef.contract;
