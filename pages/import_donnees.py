"""Import: drop exports, read the report, map unknown columns, undo an import."""

import streamlit as st

from tma_metrics.auth.principal import can_import
from tma_metrics.ui.context import page_context
from tma_metrics.ui.contract_form import unassigned_projects
from tma_metrics.ui.contracts_write import show_flash
from tma_metrics.ui.import_page import (
    history_and_undo,
    mapping_step,
    template_download,
    upload_and_import,
)
from tma_metrics.ui.login_page import write_scope

ctx = page_context(internal=True, filters=())
st.title("Import des exports")
show_flash()
if not can_import(ctx.principal):
    st.error("Votre rôle ne permet pas d'importer des données.")
    st.stop()
st.caption(
    "Redmine, Jira, GLPI, Zendesk, Mantis, GitLab, Tempo, Kimai, Harvest, Clockify, Toggl, "
    "tableurs Excel : le format est reconnu à l'en-tête. Chaque fichier est importé en une seule "
    "transaction ; réimporter un export met à jour sans dupliquer."
)
scope = write_scope(ctx.principal)  # the store checks every write against it
upload_and_import(ctx.store, scope)
mapping_step(ctx.store, scope)
unassigned_projects(ctx, key="import")
st.subheader("Historique des imports")
history_and_undo(ctx.store, scope)
st.subheader("Pas d'outil ?")
template_download()
