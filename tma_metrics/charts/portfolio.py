"""Portfolio chart: remaining days of every contract, forecast exhaustion against expiry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tma_metrics.charts.safe_text import escapes_data
from tma_metrics.charts.style import (
    BLACK,
    GREY,
    RAG_COLORS,
    RAG_LABELS_FR,
    axis_label,
    compact,
    count_of,
    empty_figure,
    french_date_axis,
    hover,
    rgba,
    style_figure,
)
from tma_metrics.french import formats as fr

__all__ = ["PORTFOLIO_COLUMNS", "PORTFOLIO_OPTIONAL_COLUMNS", "PORTFOLIO_TITLE", "portfolio_chart"]

PORTFOLIO_TITLE = "Portefeuille"
#: Columns `portfolio_chart` needs; the optional ones are read when present.
PORTFOLIO_COLUMNS = (
    "contract",
    "remaining_days",
    "purchased_days",
    "rag",
    "forecast_exhaustion_date",
    "expiry_date",
)
PORTFOLIO_OPTIONAL_COLUMNS = ("carried_over_days", "rag_reason")
#: Worst first: managers read the top of the chart.
_RAG_ORDER = {"red": 0, "amber": 1, "green": 2}


@escapes_data
def portfolio_chart(portfolio: pd.DataFrame) -> go.Figure:
    """Draw each contract's remaining days (left) and its forecast exhaustion vs expiry (right).

    Expected columns, one row per contract:

    - ``contract`` (str): the contract's name;
    - ``remaining_days`` (float): days left on the current carnet, NaN without a balance
      (régie, forfait, no valid carnet): no bar, "sans solde" instead;
    - ``purchased_days`` (float) and optionally ``carried_over_days`` (float, 0 when
      absent): the available days drawn behind the remaining ones;
    - ``rag`` (str): ``"green"``, ``"amber"``, ``"red"`` or missing (grey), decided by the
      caller; optionally ``rag_reason`` (str, French) for the hover;
    - ``forecast_exhaustion_date`` and ``expiry_date`` (date or NaT): a diamond in the RAG
      colour for the exhaustion, a black tick for the expiry, joined by a line.

    Rows are sorted red, amber, green, then by remaining days.
    """
    missing = [c for c in PORTFOLIO_COLUMNS if c not in portfolio.columns]
    if missing:
        raise ValueError(
            f"Table du portefeuille : colonnes attendues {', '.join(PORTFOLIO_COLUMNS)} ; "
            f"manquantes : {', '.join(missing)}."
        )
    if portfolio.empty:
        return empty_figure(PORTFOLIO_TITLE, "Aucun contrat à afficher.")
    rows = _sorted(portfolio)
    names = rows["contract"].astype(str).tolist()
    remaining = pd.to_numeric(rows["remaining_days"], errors="coerce").to_numpy(float)
    carried = (
        pd.to_numeric(rows["carried_over_days"], errors="coerce").fillna(0.0).to_numpy(float)
        if "carried_over_days" in rows
        else np.zeros(len(rows))
    )
    available = pd.to_numeric(rows["purchased_days"], errors="coerce").to_numpy(float) + carried
    exhaustion = pd.to_datetime(rows["forecast_exhaustion_date"])
    expiry = pd.to_datetime(rows["expiry_date"])
    rag = rows["rag"].astype("string").fillna("")
    texts = _hover_texts(rows, remaining, available, exhaustion, expiry, rag)
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, column_widths=[0.42, 0.58], horizontal_spacing=0.04
    )
    _add_remaining_bars(fig, names, remaining, available, rag, exhaustion, expiry, texts)
    fig.update_layout(barmode="overlay", bargap=0.35)
    _lay_out_portfolio(fig, rows, names, remaining, exhaustion, expiry, rag)
    return fig


def _add_remaining_bars(
    fig: go.Figure,
    names: list[str],
    remaining: np.ndarray,
    available: np.ndarray,
    rag: pd.Series,
    exhaustion: pd.Series,
    expiry: pd.Series,
    texts: list[str],
) -> None:
    """Add the available days, the remaining days per RAG colour and the date marks."""
    fig.add_trace(
        go.Bar(
            y=names,
            x=available,
            orientation="h",
            name="Disponible (acheté + reporté)",
            marker={"color": rgba(GREY, 0.3)},
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    for code in [*_RAG_ORDER, ""]:
        mine = (rag == code).to_numpy()
        if not mine.any():
            continue
        color = RAG_COLORS.get(code, GREY)
        label = RAG_LABELS_FR.get(code, "Non évalué")
        fig.add_trace(
            go.Bar(
                y=[n for n, m in zip(names, mine, strict=True) if m],
                x=remaining[mine],
                orientation="h",
                name=label,
                legendgroup=code or "none",
                marker={"color": color},
                text=[compact(r, "j") for r in remaining[mine]],
                textposition="outside",
                cliponaxis=False,
                **hover([t for t, m in zip(texts, mine, strict=True) if m]),
            ),
            row=1,
            col=1,
        )
        _add_dates(fig, names, mine, exhaustion, expiry, color, label, texts)
    _expiry_ticks(fig, names, expiry, texts)
    _add_unbalanced(fig, names, remaining, texts)


def _add_unbalanced(
    fig: go.Figure, names: list[str], remaining: np.ndarray, texts: list[str]
) -> None:
    """Write "sans solde" where a contract has no carnet balance."""
    unbalanced = np.isnan(remaining)
    if unbalanced.any():
        fig.add_trace(
            go.Scatter(
                x=np.zeros(int(unbalanced.sum())),
                y=[n for n, u in zip(names, unbalanced, strict=True) if u],
                mode="text",
                text=["sans solde"] * int(unbalanced.sum()),
                textposition="middle right",
                textfont={"color": GREY},
                showlegend=False,
                **hover([t for t, u in zip(texts, unbalanced, strict=True) if u]),
            ),
            row=1,
            col=1,
        )


def _lay_out_portfolio(
    fig: go.Figure,
    rows: pd.DataFrame,
    names: list[str],
    remaining: np.ndarray,
    exhaustion: pd.Series,
    expiry: pd.Series,
    rag: pd.Series,
) -> None:
    """Title the portfolio chart and set its date range and contract axis."""
    dated = pd.concat([exhaustion, expiry]).dropna()
    rag_counts = rag.value_counts()
    title = (
        f"{PORTFOLIO_TITLE} : {count_of(len(rows), 'contrat')}, "
        f"{int(rag_counts.get('red', 0))} en rouge, "
        f"{int(rag_counts.get('amber', 0))} en orange"
        + (
            f" ; {compact(float(np.nansum(remaining)), 'j')} restants au total"
            if np.isfinite(remaining).any()
            else " ; aucun solde de carnet"  # not "0 j": no contract has a balance
        )
    )
    style_figure(
        fig,
        title,
        subtitle="À droite : épuisement prévu (losange) et échéance du carnet (trait noir)",
        legend_title="Statut",
        height=max(280, 46 * len(rows) + 120),
    )
    fig.update_xaxes(title_text="Jours restants (j)", rangemode="tozero", row=1, col=1)
    fig.update_xaxes(title_text="Date", row=1, col=2)
    if not dated.empty:
        french_date_axis(fig, dated.min(), dated.max(), max_ticks=6, row=1, col=2)
        span = dated.max() - dated.min()
        pad = max(span * 0.06, pd.Timedelta(days=10))
        fig.update_xaxes(range=[dated.min() - pad, dated.max() + pad], row=1, col=2)
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=names,
        autorange="reversed",
        # Long names on two lines, shortened; the hover holds the full name.
        tickmode="array",
        tickvals=names,
        ticktext=[axis_label(n) for n in names],
    )
    fig.update_yaxes(automargin=True, row=1, col=1)


def _sorted(portfolio: pd.DataFrame) -> pd.DataFrame:
    rank = portfolio["rag"].map(_RAG_ORDER).fillna(len(_RAG_ORDER))
    remaining = pd.to_numeric(portfolio["remaining_days"], errors="coerce")
    order = pd.DataFrame({"rank": rank, "remaining": remaining}).sort_values(
        ["rank", "remaining"], na_position="last", kind="stable"
    )
    return portfolio.loc[order.index].reset_index(drop=True)


def _hover_texts(
    rows: pd.DataFrame,
    remaining: np.ndarray,
    available: np.ndarray,
    exhaustion: pd.Series,
    expiry: pd.Series,
    rag: pd.Series,
) -> list[str]:
    reasons = rows["rag_reason"] if "rag_reason" in rows else pd.Series([None] * len(rows))
    texts = []
    for name, left, total, end, due, code, reason in zip(
        rows["contract"], remaining, available, exhaustion, expiry, rag, reasons, strict=True
    ):
        status = RAG_LABELS_FR.get(code, "Non évalué")
        if isinstance(reason, str) and reason:
            status += f" : {reason}"  # escaped by `escapes_data`
        balance = (
            f"Reste : {fr.days(left)} sur {fr.days(total)}" if left == left else "Pas de solde"
        )
        texts.append(
            f"<b>{name}</b><br>{balance}"
            f"<br>Épuisement prévu : {fr.day(end)}"
            f"<br>Échéance : {fr.day(due)}<br>Statut : {status}"
        )
    return texts


def _add_dates(
    fig: go.Figure,
    names: list[str],
    mine: np.ndarray,
    exhaustion: pd.Series,
    expiry: pd.Series,
    color: str,
    label: str,
    texts: list[str],
) -> None:
    """Add the exhaustion diamonds of one RAG group, joined to their expiry by a line."""
    xs: list[object] = []
    ys: list[object] = []
    for name, end, due, m in zip(names, exhaustion, expiry, mine, strict=True):
        if m and pd.notna(end) and pd.notna(due):
            # None breaks the line between contracts.
            xs += [end, due, None]
            ys += [name, name, None]
    if xs:
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": rgba(GREY, 0.8), "width": 2},
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
    chosen = mine & exhaustion.notna().to_numpy()
    if chosen.any():
        fig.add_trace(
            go.Scatter(
                x=exhaustion[chosen],
                y=[n for n, c in zip(names, chosen, strict=True) if c],
                mode="markers",
                name=f"Épuisement prévu — {label.lower()}",
                legendgroup=label,
                showlegend=False,
                marker={"symbol": "diamond", "size": 13, "color": color},
                **hover([t for t, c in zip(texts, chosen, strict=True) if c]),
            ),
            row=1,
            col=2,
        )


def _expiry_ticks(fig: go.Figure, names: list[str], expiry: pd.Series, texts: list[str]) -> None:
    known = expiry.notna().to_numpy()
    if not known.any():
        return
    fig.add_trace(
        go.Scatter(
            x=expiry[known],
            y=[n for n, k in zip(names, known, strict=True) if k],
            mode="markers",
            name="Échéance du carnet",
            marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": BLACK}},
            **hover([t for t, k in zip(texts, known, strict=True) if k]),
        ),
        row=1,
        col=2,
    )
