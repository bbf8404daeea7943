"""The current carnet's burn-up: cumulative consumption, days available, forecast range."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tma_metrics.charts.safe_text import escapes_data
from tma_metrics.charts.style import (
    CONSUMPTION_COLORS,
    GREY,
    MUTED_TEXT,
    compact,
    empty_figure,
    french_date_axis,
    hover,
    rgba,
    style_figure,
    vertical_marker,
)
from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import MODEL_LABELS_FR

__all__ = ["BURN_UP_TITLE", "burn_up_chart"]

BURN_UP_TITLE = "Consommation du carnet"

#: Hover value format: "1 234,5 j" with the French separators (the unified hover's
#: header already gives the day, as ``xaxis.hoverformat`` writes it).
_DAYS = ",.1~f\u00a0j"


@escapes_data
def burn_up_chart(
    burn_up: pd.DataFrame, balance: Balance, *, alert_days: float | None = None
) -> go.Figure:
    """Draw the current carnet's cumulative consumption against the days available.

    Reads `consumption.burn_up`'s frame (``date``, ``consumed_days``, ``available_days``,
    ``forecast_days``, ``forecast_early_days``, ``forecast_late_days``) and the
    `consumption.Balance` of the same as-of date (consumed, purchased, carried over,
    forecast dates, burn). The forecast range is the band between the highest and lowest
    monthly burn; vertical markers show the as-of date and the expiry. ``alert_days``
    (the contract's threshold) adds the low-balance line.
    """
    if burn_up.empty or balance.carnet_start is None:
        return _no_carnet(balance)
    days = pd.to_datetime(burn_up["date"])
    available = (balance.purchased_days or 0.0) + (balance.carried_over_days or 0.0)
    consumed = balance.consumed_days or 0.0
    fig = go.Figure()
    _add_available(fig, burn_up, days, available, alert_days)
    _add_forecast(fig, burn_up, balance, days, available, consumed)
    as_of = pd.Timestamp(balance.as_of)
    _add_consumed(fig, burn_up, days, consumed, as_of)
    label = f"Arrêté au {fr.day(as_of)}"
    vertical_marker(fig, as_of, label, color=MUTED_TEXT, position="bottom", side="left")
    if balance.expiry_date is not None:
        vertical_marker(
            fig,
            balance.expiry_date,
            f"Échéance {fr.day(balance.expiry_date)}",
            position=0.5,
            side="left",
        )
    style_figure(
        fig,
        _burn_up_title(balance, consumed, available),
        subtitle=_burn_up_subtitle(balance),
        x_title="Date",
        y_title="Jours décomptés cumulés (j)",
    )
    french_date_axis(fig, days.iloc[0], days.iloc[-1])
    fig.update_yaxes(rangemode="tozero", ticksuffix="\u00a0j")
    fig.update_layout(hovermode="x unified")
    return fig


def _add_available(
    fig: go.Figure,
    burn_up: pd.DataFrame,
    days: pd.Series,
    available: float,
    alert_days: float | None,
) -> None:
    """Add the available days and, given a threshold, the low-balance alert line."""
    fig.add_trace(
        go.Scatter(
            x=days,
            y=burn_up["available_days"],
            name="Disponible (acheté + reporté)",
            mode="lines",
            line={"color": CONSUMPTION_COLORS["available"], "width": 2},
            hovertemplate="Disponible : %{y:" + _DAYS + "}<extra></extra>",
        )
    )
    if alert_days is not None and alert_days > 0:
        threshold = np.where(burn_up["available_days"].notna(), available - alert_days, np.nan)
        fig.add_trace(
            go.Scatter(
                x=days,
                y=threshold,
                name=f"Seuil d'alerte (reste {compact(alert_days, 'j')})",
                mode="lines",
                line={"color": GREY, "width": 1, "dash": "dot"},
                hovertemplate="Seuil d'alerte : %{y:" + _DAYS + "}<extra></extra>",
            )
        )


def _add_consumed(
    fig: go.Figure, burn_up: pd.DataFrame, days: pd.Series, consumed: float, as_of: pd.Timestamp
) -> None:
    """Add the cumulative consumption and its value at the as-of date."""
    fig.add_trace(
        go.Scatter(
            x=days,
            y=burn_up["consumed_days"],
            name="Consommé (temps décompté)",
            mode="lines",
            line={"color": CONSUMPTION_COLORS["consumed"], "width": 3},
            hovertemplate="Consommé : %{y:" + _DAYS + "}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[as_of],
            y=[consumed],
            name="Consommé à la date d'arrêté",
            mode="markers+text",
            marker={"color": CONSUMPTION_COLORS["consumed"], "size": 10},
            text=[compact(consumed, "j")],
            textposition="top left",
            showlegend=False,
            **hover([f"{fr.day(as_of)}<br>Consommé : {fr.days(consumed)}"]),
        )
    )


def _add_forecast(
    fig: go.Figure,
    burn_up: pd.DataFrame,
    balance: Balance,
    days: pd.Series,
    available: float,
    consumed: float,
) -> None:
    """Add the forecast range (band), the forecast line and the exhaustion marker."""
    _add_forecast_band(fig, burn_up, balance, days, available, consumed)
    forecast = burn_up["forecast_days"]
    if forecast.notna().any() and balance.burn_rate_days_per_month is not None:
        rate = compact(balance.burn_rate_days_per_month, "j/mois")
        fig.add_trace(
            go.Scatter(
                x=days,
                y=forecast,
                name=f"Prévision au rythme de {rate}",
                mode="lines",
                line={"color": CONSUMPTION_COLORS["forecast"], "width": 2, "dash": "dash"},
                hovertemplate="Prévision : %{y:" + _DAYS + "}<extra></extra>",
            )
        )
    _add_exhaustion(fig, balance, available)


def _add_forecast_band(
    fig: go.Figure,
    burn_up: pd.DataFrame,
    balance: Balance,
    days: pd.Series,
    available: float,
    consumed: float,
) -> None:
    """Add the forecast range: a band between the lowest and the highest monthly burn."""
    early = burn_up["forecast_early_days"].to_numpy(float)
    late = burn_up["forecast_late_days"].to_numpy(float)
    after = (days >= pd.Timestamp(balance.as_of)).to_numpy()
    span = after & (~np.isnan(early) | ~np.isnan(late))
    burn = balance.burn
    if span.any() and burn is not None:
        # The fast line stops when it reaches the available days: the band's top stays there.
        upper = np.where(np.isnan(early), available, early)[span]
        # A lowest month of 0 j never exhausts the carnet: the band's bottom stays flat.
        lower = np.where(np.isnan(late), consumed, late)[span]
        x = days[span]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=lower,
                name="Fourchette basse",
                mode="lines",
                line={"width": 0, "color": CONSUMPTION_COLORS["forecast"]},
                showlegend=False,
                hovertemplate="Au rythme du mois le plus faible ("
                + compact(burn.min_days_per_month, "j/mois")
                + ") : %{y:"
                + _DAYS
                + "}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=upper,
                name="Fourchette de prévision",
                mode="lines",
                fill="tonexty",
                fillcolor=rgba(CONSUMPTION_COLORS["forecast"], 0.2),
                line={"width": 0, "color": CONSUMPTION_COLORS["forecast"]},
                hovertemplate="Au rythme du mois le plus fort ("
                + compact(burn.max_days_per_month, "j/mois")
                + ") : %{y:"
                + _DAYS
                + "}<extra></extra>",
            )
        )


def _add_exhaustion(fig: go.Figure, balance: Balance, available: float) -> None:
    """Mark the (forecast) exhaustion date on the available days."""
    end = balance.forecast_exhaustion_date
    if end is not None:
        label = "Épuisé le " if balance.exhausted else "Épuisement prévu le "
        fig.add_trace(
            go.Scatter(
                x=[pd.Timestamp(end)],
                y=[available],
                name=label.strip(),
                mode="markers+text",
                marker={"symbol": "diamond", "size": 12, "color": CONSUMPTION_COLORS["forecast"]},
                text=[label + fr.day(end)],
                textposition="bottom right" if balance.exhausted else "top left",
                showlegend=False,
                **hover([label + fr.day(end) + _range_text(balance)]),
            )
        )


def _range_text(balance: Balance) -> str:
    if balance.exhausted or balance.forecast_early is None:
        return ""
    late = fr.day(balance.forecast_late) if balance.forecast_late else "au-delà"
    return f"<br>Fourchette : du {fr.day(balance.forecast_early)} au {late}"


def _burn_up_title(balance: Balance, consumed: float, available: float) -> str:
    figures = f"{compact(consumed, 'j')} consommés sur {compact(available, 'j')}"
    end = balance.forecast_exhaustion_date
    if balance.exhausted and end is not None:
        return f"{BURN_UP_TITLE} : carnet épuisé le {fr.day(end)} ({figures})"
    if end is None:
        return f"{BURN_UP_TITLE} : {figures}, pas de prévision d'épuisement ({_no_pace(balance)})"
    text = f"{BURN_UP_TITLE} : {figures}, épuisement prévu le {fr.day(end)}"
    if balance.expiry_date is not None and end > balance.expiry_date:
        text += f", après l'échéance du {fr.day(balance.expiry_date)}"
    return text


def _no_pace(balance: Balance) -> str:
    """Why there is no forecast: nothing deducted in the burn window (or ever)."""
    burn = balance.burn
    if balance.consumed_days and burn is not None and burn.window_start is not None:
        return f"aucun temps décompté du {fr.day(burn.window_start)} au {fr.day(burn.window_end)}"
    return "aucun temps décompté"


def _burn_up_subtitle(balance: Balance) -> str:
    parts = [f"Carnet du {fr.day(balance.carnet_start)} au {fr.day(balance.expiry_date)}"]
    bought = f"{compact(balance.purchased_days, 'j')} achetés"
    if balance.carried_over_days:
        bought += f" + {compact(balance.carried_over_days, 'j')} reportés"
    parts.append(bought)
    if balance.burn_rate_days_per_month is not None:
        parts.append(f"rythme {compact(balance.burn_rate_days_per_month, 'j/mois')}")
    parts.append(f"arrêté au {fr.day(balance.as_of)}")
    return " · ".join(parts)


def _no_carnet(balance: Balance) -> go.Figure:
    if balance.model != "carnet":
        model = MODEL_LABELS_FR.get(balance.model, balance.model)
        return empty_figure(
            f"{BURN_UP_TITLE} : pas de carnet ({model.lower()})",
            "Ce contrat n'a pas de carnet de jours : pas de solde à suivre.",
        )
    return empty_figure(
        f"{BURN_UP_TITLE} : aucun carnet valide au {fr.day(balance.as_of)}",
        "Aucun carnet n'est valide à la date d'arrêté : pas de solde à suivre.",
    )
