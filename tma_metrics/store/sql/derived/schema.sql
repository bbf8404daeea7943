-- The derived tables: what the figures need from the time entries, computed once per
-- data version by figures/derive.py (billing under the estimate guarantee, sums per
-- ticket and day). Integer ids inside; names and ticket ids only as edge columns.
-- {schema} is main, or temp (with {kind} TEMP) for a database opened read-only.
CREATE {kind} TABLE IF NOT EXISTS {schema}.derived_meta (
    key VARCHAR NOT NULL           -- data version and contracts fingerprint built for
);

CREATE {kind} TABLE IF NOT EXISTS {schema}.derived_contract (
    contract_id INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL   -- the contract's settings and rows when built
);

-- One row per ticket of a contract, and per ticket its entries name that the exports
-- lack (known = false): the terms of billing.deduct_over_time.
CREATE {kind} TABLE IF NOT EXISTS {schema}.derived_ticket (
    contract_id              INTEGER NOT NULL,
    ticket_id                BIGINT NOT NULL,
    uid                      VARCHAR NOT NULL,
    known                    BOOLEAN NOT NULL,
    estimate_hours           DOUBLE,
    reestimate_hours         DOUBLE,
    effective_estimate_hours DOUBLE,
    base_rule                VARCHAR,
    reestimated              BOOLEAN,
    reestimate_day           TIMESTAMP,
    late_since               TIMESTAMP,
    management               BOOLEAN NOT NULL
);

-- Time entries summed per contract, ticket (null: no ticket) and day.
CREATE {kind} TABLE IF NOT EXISTS {schema}.derived_ticket_day (
    contract_id      INTEGER NOT NULL,
    ticket_id        BIGINT,
    day              DATE NOT NULL,
    hours            DOUBLE NOT NULL,
    deducted_hours   DOUBLE NOT NULL,
    deducted_in_time DOUBLE,          -- while a refused re-estimate is not late yet
    entries          INTEGER NOT NULL
);

-- Time entries summed per contract and day (ledger.days_until's columns).
CREATE {kind} TABLE IF NOT EXISTS {schema}.derived_day (
    contract_id      INTEGER NOT NULL,
    day              DATE NOT NULL,
    hours            DOUBLE NOT NULL,
    deducted_hours   DOUBLE NOT NULL,
    management_hours DOUBLE NOT NULL,
    entries          INTEGER NOT NULL
);
