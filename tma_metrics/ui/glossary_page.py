"""The glossary page's table, read from the KPI catalog."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tma_metrics.metrics import CATALOG

__all__ = ["glossary_table"]

_SENSE = {True: "plus haut = mieux", False: "plus bas = mieux", None: "—"}


def glossary_table() -> None:
    """Show one row per KPI: group, label, unit, definition, which way is better."""
    frame = pd.DataFrame(
        {
            "Thème": [k.group for k in CATALOG],
            "Indicateur": [k.label for k in CATALOG],
            "Unité": [k.unit for k in CATALOG],
            "Définition": [k.definition for k in CATALOG],
            "Sens": [_SENSE[k.higher_is_better] for k in CATALOG],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={"Définition": st.column_config.TextColumn(width="large")},
    )
