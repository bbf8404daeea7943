-- Replace the derived rows of the contracts in $ids by the registered tables new_*.
DELETE FROM {schema}.derived_contract WHERE contract_id IN (SELECT unnest($ids));
DELETE FROM {schema}.derived_ticket WHERE contract_id IN (SELECT unnest($ids));
DELETE FROM {schema}.derived_ticket_day WHERE contract_id IN (SELECT unnest($ids));
DELETE FROM {schema}.derived_day WHERE contract_id IN (SELECT unnest($ids));
INSERT INTO {schema}.derived_contract SELECT * FROM new_contract;
INSERT INTO {schema}.derived_ticket SELECT * FROM new_ticket;
INSERT INTO {schema}.derived_ticket_day SELECT * FROM new_ticket_day ORDER BY day;
INSERT INTO {schema}.derived_day SELECT * FROM new_day ORDER BY contract_id, day;
DELETE FROM {schema}.derived_meta;
INSERT INTO {schema}.derived_meta VALUES ($key);
