"""Delivery commitments of evolutions by size (DOMAIN.md §4, second table), vectorised.

Two commitments per evolution (``kind == "evolutive"``), with the SLA outcome vocabulary:

- ``estimate``: the estimate is sent within 2j (size < 5 j) or 5j (5 to 25 j) of the
  creation, measured from ``created_at`` to ``estimated_at``; over 25 j it is planned;
- ``delivery``: delivered within ``2 × estimate (days) + 1`` j of the client's approval
  (size < 5 j only; planned otherwise), from ``approved_at`` to ``delivered_at``, else to
  the resolution date when the export has no delivery date (the note says so).

Sizes come from the estimate in days (``estimate_hours / hours_per_day``): "< 5 j" below
5, "5 à 25 j" from 5 to 25 inclusive, "> 25 j" above. The delivery uses an accepted
re-estimate in place of the estimate. No pause applies; business time of the contract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tma_metrics.domain.business_time.clock import (
    BOUND_LATE,
    NO_START,
    UNKNOWN,
    period_of,
    run_clocks,
)
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.model import Kind, ReestimateStatus

__all__ = [
    "COMMITMENTS",
    "DELIVERY_COLUMNS",
    "ESTIMATE_DAYS",
    "LARGE",
    "MEDIUM",
    "SMALL",
    "delivery_commitments",
    "size_class",
]

SMALL, MEDIUM, LARGE = "< 5 j", "5 à 25 j", "> 25 j"
COMMITMENTS = ("estimate", "delivery")
#: Allowance of the estimate, in business days, per size class (None: planned).
ESTIMATE_DAYS = {SMALL: 2.0, MEDIUM: 5.0, LARGE: None}

DELIVERY_COLUMNS: dict[str, str] = {
    "source": "string",
    "key": "string",
    "kind": "string",
    "commitment": "string",  # estimate, delivery
    "size_class": "string",
    "estimate_days": "float64",
    "allowance_minutes": "float64",
    "applicable": "bool",
    "measurable": "bool",
    "start_at": "datetime64[us]",
    "stop_at": "datetime64[us]",
    "stop_source": "string",  # export, resolution
    "elapsed_minutes": "float64",
    "paused_minutes": "float64",
    "deadline": "datetime64[us]",
    "remaining_minutes": "float64",
    "outcome": "string",
    "period_at": "datetime64[us]",
    "note": "string",
}


def size_class(estimate_days: pd.Series) -> pd.Series:
    """Return the size class of each estimate in days (NA when there is none).

    >>> size_class(pd.Series([1.0, 5.0, 25.0, 26.0, None])).tolist()
    ['< 5 j', '5 à 25 j', '5 à 25 j', '> 25 j', <NA>]
    """
    days = estimate_days.to_numpy(float, na_value=np.nan)
    sizes = np.select([days < 5, days <= 25, days > 25], [SMALL, MEDIUM, LARGE], "")
    return pd.Series(sizes, index=estimate_days.index).replace("", pd.NA).astype("string")


def delivery_commitments(
    prepared: pd.DataFrame,
    contract: Contract,
    as_of: pd.Timestamp,
    *,
    timezone: str | None = None,
) -> pd.DataFrame:
    """Return one row per (evolution, commitment) with its clock, outcome and French note.

    ``timezone`` as in `sla.sla_outcomes` (daylight-saving days in real minutes).
    """
    as_of = pd.Timestamp(as_of).as_unit("us")
    t = prepared[prepared["kind"] == Kind.EVOLUTIVE].reset_index(drop=True)
    hours_per_day = contract.hours_per_day
    rejected = t["rejected"].to_numpy(bool)
    estimate_days = t["estimate_hours"].astype("float64") / hours_per_day
    accepted = (t["reestimate_status"] == ReestimateStatus.ACCEPTED).to_numpy(bool, na_value=False)
    reestimate_days = t["reestimate_hours"].astype("float64") / hours_per_day
    effective_days = estimate_days.where(~accepted, reestimate_days)
    est = _estimate_rows(t, contract, rejected, estimate_days, as_of)
    dlv = _delivery_rows(t, contract, rejected, effective_days, as_of)

    rows = pd.concat([est, dlv], ignore_index=True)
    rows["allowance_minutes"] = rows["allowance_minutes"].where(rows["applicable"])
    rows = rows.join(run_clocks(rows, None, as_of, timezone=timezone))
    rows["note"] = _notes(rows)
    fallback = rows["resolution_at"].fillna(rows["bound_at"]).fillna(rows["created_at"])
    rows["period_at"] = period_of(rows, fallback, as_of)
    return rows[list(DELIVERY_COLUMNS)].astype(DELIVERY_COLUMNS)


def _seen(t: pd.DataFrame, as_of: pd.Timestamp, column: str) -> pd.Series:
    """Return a date column without the dates after ``as_of`` (not happened yet)."""
    return t[column].where(t[column] <= as_of)


def _estimate_rows(
    t: pd.DataFrame,
    contract: Contract,
    rejected: np.ndarray,
    estimate_days: pd.Series,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """Return the estimate commitments: created -> estimate sent."""
    day_minutes = contract.calendar.day_minutes
    size = size_class(estimate_days)
    days = size.map(ESTIMATE_DAYS).astype("float64")
    estimated_at = _seen(t, as_of, "estimated_at")
    est = _base(t, "estimate", size, estimate_days, days * day_minutes, contract)
    est["applicable"] = ~rejected & (size != LARGE).to_numpy(bool, na_value=True)
    est["start_at"] = t["created_at"]
    est["event_at"] = estimated_at.where(size.notna())
    est["stop_source"] = _text(np.where(est["event_at"].notna(), "export", ""))
    est["pending"] = False
    est["hint"] = np.where(
        size.isna(),
        "Estimation non chiffrée (colonne estimate_hours vide) : taille et délai inconnus",
        "Date d'envoi de l'estimation absente : ajoutez la colonne estimated_at",
    )
    est["refused"], est["waiting_approval"] = False, False
    est["bound_at"] = pd.Series(pd.NaT, index=est.index, dtype="datetime64[us]")
    return est


def _delivery_rows(
    t: pd.DataFrame,
    contract: Contract,
    rejected: np.ndarray,
    effective_days: pd.Series,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """Return the delivery commitments: approval -> delivery (or resolution)."""
    day_minutes = contract.calendar.day_minutes
    size = size_class(effective_days)
    allowance = ((2 * effective_days + 1) * day_minutes).where(size == SMALL)
    approved_at = _seen(t, as_of, "approved_at")
    status = t["estimate_status"]
    refused = (status == "refused").to_numpy(bool, na_value=False)
    waiting_approval = approved_at.isna().to_numpy() & (
        (status == "pending").to_numpy(bool, na_value=False)
        | (t["approved_at"] > as_of).to_numpy(bool)
    )
    delivered_at = _seen(t, as_of, "delivered_at")
    by_resolution = delivered_at.isna() & t["resolution_at"].notna()
    dlv = _base(t, "delivery", size, effective_days, allowance, contract)
    dlv["applicable"] = (
        ~rejected
        & ~refused
        & ~waiting_approval
        & (size.isna() | (size == SMALL)).to_numpy(bool, na_value=True)
    )
    dlv["start_at"] = approved_at
    dlv["event_at"] = delivered_at.fillna(t["resolution_at"]).where(size.notna())
    dlv["stop_source"] = _text(
        np.select([delivered_at.notna(), by_resolution], ["export", "resolution"], "")
    )
    dlv["pending"] = (t["resolution_pending"] & delivered_at.isna() & size.notna()).to_numpy()
    # No delivery nor resolution dated: the resolution's bound (closing, last update)
    # proves the delivery on time when within the allowance, and nothing past it.
    dlv["bound_at"] = t["resolution_bound_at"].where(delivered_at.isna() & size.notna())
    dlv["hint"] = np.where(
        size.isna(),
        "Estimation non chiffrée (colonne estimate_hours vide) : taille et délai inconnus",
        "Date de livraison absente : ajoutez la colonne delivered_at",
    )
    dlv["refused"], dlv["waiting_approval"] = refused, waiting_approval
    return dlv


def _base(
    t: pd.DataFrame,
    commitment: str,
    size: pd.Series,
    estimate_days: pd.Series,
    allowance: pd.Series,
    contract: Contract,
) -> pd.DataFrame:
    calendars = np.full(len(t), contract.calendar, dtype=object)
    return pd.DataFrame(
        {
            "source": t["source"],
            "key": t["key"],
            "kind": t["kind"],
            "commitment": commitment,
            "size_class": size,
            "estimate_days": estimate_days,
            "allowance_minutes": allowance,
            "calendar": calendars,
            "rejected": t["rejected"].to_numpy(bool),
            "created_at": t["created_at"],
            "resolution_at": t["resolution_at"],
        }
    )


def _notes(rows: pd.DataFrame) -> pd.Series:
    """Word, in French, why a commitment is not applicable or not measurable."""
    problem, outcome = rows["problem"], rows["outcome"]
    delivery = (rows["commitment"] == "delivery").to_numpy()
    conditions = [
        (outcome == "not_applicable") & rows["rejected"],
        (outcome == "not_applicable") & rows["refused"],
        (outcome == "not_applicable") & rows["waiting_approval"],
        outcome == "not_applicable",
        (problem == NO_START) & delivery,
        problem == NO_START,
        problem == UNKNOWN,
        problem == BOUND_LATE,
        problem != "",
        rows["stop_source"] == "resolution",
        rows["measurable"] & rows["event_at"].isna() & rows["bound_at"].notna(),
    ]
    choices = [
        "Ticket rejeté : pas d'engagement de délai",
        "Estimation refusée par le client : pas de livraison à tenir",
        "En attente de l'accord du client : le délai de livraison n'a pas démarré",
        "Sur planification : pas de délai contractuel pour cette taille",
        "Date d'accord du client absente : ajoutez la colonne approved_at",
        "Date de création absente : le délai ne peut pas démarrer",
        rows["hint"].to_numpy(object),
        "Livraison non datée ; la date de fermeture ou de dernière mise à jour tombe après "
        "l'échéance : non mesurable, jamais « dépassé » sur une borne ; synchronisez "
        "l'historique des statuts ou ajoutez la colonne delivered_at",
        "Dates incohérentes : l'événement précède le début du délai",
        "Livraison datée par la résolution (pas de colonne delivered_at)",
        "Livraison non datée ; la date de fermeture ou de dernière mise à jour, dans le "
        "délai, prouve le délai tenu",
    ]
    masks = [pd.Series(c, dtype="boolean").fillna(False).to_numpy(bool) for c in conditions]
    return pd.Series(np.select(masks, choices, ""), index=rows.index).replace("", pd.NA)


def _text(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object).replace("", None).astype("string")
