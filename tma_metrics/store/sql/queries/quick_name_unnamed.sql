-- Solde rapide: rows whose export names no project get one label, so a carnet can
-- cover them like any project.
UPDATE ticket SET project = $label WHERE project IS NULL AND project_name IS NULL;
UPDATE time_entry SET project = $label
WHERE project IS NULL
  AND (ticket_key IS NULL OR ticket_key NOT IN (SELECT key FROM ticket));
