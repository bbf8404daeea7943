-- Stage what billing reads of every contract's tickets and time entries, assigned as
-- the scope queries assign them (temp table contract_project names every contract),
-- with a hash of each row: one run of the scope queries gives both each contract's
-- fingerprint and the rows of the contracts to bill again.
CREATE OR REPLACE TEMP TABLE derived_stage_ticket AS
SELECT contract, uid, key, source, tracker, kind, created_at, estimate_hours,
       estimate_status, reestimate_hours, reestimated_at, reestimate_status,
       hash(uid, tracker, kind, created_at, estimate_hours, estimate_status,
            reestimate_hours, reestimated_at, reestimate_status) AS row_print
FROM ({tickets});

CREATE OR REPLACE TEMP TABLE derived_stage_entry AS
SELECT contract, ticket_uid, ticket_key, uid, "date", hours, started_at,
       hash(uid, ticket_uid, ticket_key, "date", hours, started_at) AS row_print
FROM ({entries});
