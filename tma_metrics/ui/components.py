"""Small rendering pieces the meeting pages share: cards, alerts, tables, texts, exports."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tma_metrics.charts import alt_text, chart_config
from tma_metrics.charts.safe_text import safe_figure
from tma_metrics.french import formats as fr
from tma_metrics.french.markup import escape_markdown, plotly_to_plain
from tma_metrics.reports.csv_fr import csv_bytes
from tma_metrics.views.alerts import Alert
from tma_metrics.views.cards import Card
from tma_metrics.views.tables import COLUMNS, cell_text, french_table

__all__ = [
    "CHOOSE",
    "PPTX_MIME",
    "XLSX_MIME",
    "alerts",
    "cards",
    "chart",
    "exports",
    "md",
    "screen_order",
    "slug",
    "table",
    "text_block",
]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_LEVEL = {"danger": st.error, "warning": st.warning, "info": st.info}
#: Placeholder of the select boxes (Streamlit's own is « Choose an option »).
CHOOSE = "Choisir…"


#: Characters Streamlit's Markdown reads as markup (":" opens ``:red[...]`` directives).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    r"""Escape a text from a file (a contract or project name) for st.markdown.

    >>> md("**Client** :red[x]")
    '\\*\\*Client\\*\\* \\:red\\[x\\]'
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", "" if text is None else str(text))


def slug(text: str) -> str:
    """A file-name-safe version of a contract name."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "contrat"


#: How a change is coloured: consuming or committing days, or a date moving, is neither
#: good nor bad by its sign alone; less balance is bad (normal); more absorbed hours is bad.
_DELTA_COLOR = {
    "forecast_exhaustion_date": "off",
    "consumed_days": "off",
    "committed_days": "off",
    "absorbed_hours": "inverse",
}


def cards(items: Sequence[Card]) -> None:
    """Key figures as metrics, with their change since the previous point when known.

    The first four go on one row, the others (dates, longer texts) three to a row.
    """
    for group, per_row in ((items[:4], 4), (items[4:], 3)):
        for start in range(0, len(group), per_row):
            row = group[start : start + per_row]
            # A range (« 25 à 97 % ») needs about twice the width of a figure.
            widths = [1.8 if card.short_text else 1.0 for card in row]
            widths += [1.0] * (per_row - len(row))
            for column, card in zip(st.columns(widths), row, strict=False):
                column.metric(
                    card.label,
                    card.short_text or card.text,
                    delta=card.change_text if card.change else None,
                    delta_color=_DELTA_COLOR.get(card.key, "normal"),
                    delta_arrow=_arrow(card),
                    help=card.help or None,
                    border=True,
                )
                # A card too narrow for its text (an SLA range) says it in full below.
                detail = f"{card.text} ; {card.detail}" if card.short_text else card.detail
                if detail:
                    column.caption(detail)


def _arrow(card: Card) -> str:
    """The delta's arrow from the change's sign: a date moved earlier points down.

    Streamlit reads the sign of the delta's text, and « avancé de 3 jours » has none.
    """
    if not card.change:
        return "off"
    return "up" if card.change > 0 else "down"


def alerts(items: Sequence[Alert]) -> None:
    """Points of attention, most serious first."""
    if not items:
        st.success("Aucune alerte.", icon=":material/check_circle:")
    order = {"danger": 0, "warning": 1, "info": 2}
    for alert in sorted(items, key=lambda a: order.get(a.level, 3)):
        # the messages name tickets by their keys, which come from the files
        _LEVEL.get(alert.level, st.info)(escape_markdown(alert.message))


def table(frame: pd.DataFrame, *, client_view: bool, empty: str, height: int | None = None) -> None:
    """A view's table with French headers and French-formatted cells (values stay typed,
    so sorting a column sorts numbers and dates, not their text)."""
    if frame.empty:
        st.caption(empty)
        return
    typed = french_table(frame, client_view=client_view)
    formatters = {header: _formatter(_FORMATS.get(header, "text")) for header in typed.columns}
    st.dataframe(
        typed.style.format(formatters),
        hide_index=True,
        width="stretch",
        height=height or "auto",
        # Streamlit writes "None" for a missing cell whatever the Styler says.
        placeholder=fr.MISSING,
        column_order=screen_order(list(typed.columns)),
        column_config={
            "Demande": st.column_config.Column(pinned=True),
            "Titre": st.column_config.TextColumn(width=230),
        },
    )


_FORMATS = {spec.header: spec.format for spec in COLUMNS.values()}
#: Columns read first on screen: what a row is, then its figures, then the other texts,
#: so the numbers of a wide table show without scrolling sideways.
_LEADING = ("Demande", "Titre", "Mois", "Sévérité", "Indicateur", "Contrat")
_NUMERIC = {"days", "hours", "number", "integer", "percent", "duration", "minutes"}


def screen_order(headers: list[str]) -> list[str]:
    """Return the headers in screen order: identity, then figures, then other texts.

    >>> screen_order(["Demande", "Type", "Règle de décompte", "Décompté (j)", "Titre"])
    ['Demande', 'Titre', 'Décompté (j)', 'Type', 'Règle de décompte']
    """
    lead = [h for h in _LEADING if h in headers]
    figures = [h for h in headers if h not in lead and _FORMATS.get(h) in _NUMERIC]
    return lead + figures + [h for h in headers if h not in lead and h not in figures]


def _formatter(fmt: str):
    return lambda value: cell_text(value, fmt)


def chart(figure: go.Figure, name: str) -> None:
    """A Plotly chart with the PNG download kept and its text alternative for screen
    readers (no markup from data; the title already says the key figure)."""
    shown = safe_figure(figure)
    st.plotly_chart(
        shown,
        theme=None,
        config=chart_config(name),
        width="stretch",
        key=f"chart-{name}",
        alt=plotly_to_plain(alt_text(shown))[:300],
    )


def text_block(text: str, *, label: str, file_name: str) -> None:
    """A ready-to-paste text (copy button) and its .txt download."""
    # A fixed height: the text scrolls in its box instead of stretching the page.
    st.code(text, language=None, wrap_lines=True, height=420)
    st.download_button(
        f"Télécharger {label} (.txt)",
        text.encode("utf-8"),
        file_name=file_name,
        mime="text/plain",
        key=f"txt-{file_name}",
    )


def exports(
    sheets: Mapping[str, pd.DataFrame],
    workbook: bytes,
    *,
    base_name: str,
) -> None:
    """Download buttons: the view as an Excel workbook, and one table as CSV (French Excel)."""
    left, right = st.columns(2)
    left.download_button(
        "Exporter en Excel (.xlsx)",
        workbook,
        file_name=f"{base_name}.xlsx",
        mime=XLSX_MIME,
        type="primary",
        key=f"xlsx-{base_name}",
    )
    names = [n for n, f in sheets.items() if not f.empty] or list(sheets)
    if not names:
        return
    with right:
        chosen = st.selectbox(
            "Tableau à exporter en CSV",
            names,
            key=f"csv-choice-{base_name}",
            placeholder=CHOOSE,
        )
        st.download_button(
            "Exporter ce tableau en CSV (Excel français)",
            csv_bytes(sheets[chosen]),
            file_name=f"{base_name}-{slug(chosen)}.csv",
            mime="text/csv",
            key=f"csv-{base_name}",
        )
