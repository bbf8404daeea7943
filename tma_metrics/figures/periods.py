"""Reporting periods: the default window and the presets the pages offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tma_metrics.domain.contracts.model import Contract, add_months

__all__ = [
    "PRESETS_FR",
    "Period",
    "contract_period",
    "default_period",
    "preset_period",
]

#: Preset name -> French label.
PRESETS_FR = {
    "carnet": "Carnet en cours",
    "week": "7 derniers jours",
    "month": "Mois en cours",
    "previous_month": "Mois précédent",
    "quarter": "Trimestre en cours",
    "half": "Semestre en cours",
    "year": "Année en cours",
    "twelve_months": "12 derniers mois",
}


@dataclass(frozen=True)
class Period:
    """The as-of date of balances and the window of SLA / estimation figures."""

    as_of: date
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"Période invalide : attendu un début avant la fin, trouvé du "
                f"{self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}."
            )


def default_period(contract: Contract, as_of: date) -> Period:
    """SLA/estimation window by default: the carnet valid on as_of, from its start to as_of.

    Without a carnet (other contract models, or as_of outside every carnet) the window is
    the twelve months up to as_of.
    """
    carnet = contract.carnet_on(as_of)
    start = carnet.start if carnet else add_months(as_of, -12) + timedelta(days=1)
    return Period(as_of=as_of, start=start, end=as_of)


def contract_period(
    contract: Contract, as_of: date, start: date | None = None, end: date | None = None
) -> Period:
    """The period of ``contract`` on ``as_of``: ``start`` and ``end`` when given, else
    `default_period`'s."""
    default = default_period(contract, as_of)
    return Period(as_of=as_of, start=start or default.start, end=end or default.end)


def preset_period(preset: str, contract: Contract, as_of: date) -> Period:
    """Return the period a preset names, ending at as_of (previous month: its last day)."""
    if preset == "carnet":
        return default_period(contract, as_of)
    if preset == "week":
        return Period(as_of, as_of - timedelta(days=6), as_of)
    if preset == "month":
        return Period(as_of, as_of.replace(day=1), as_of)
    if preset == "previous_month":
        end = as_of.replace(day=1) - timedelta(days=1)
        return Period(end, end.replace(day=1), end)
    if preset == "quarter":
        first = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
        return Period(as_of, first, as_of)
    if preset == "half":
        return Period(as_of, date(as_of.year, 1 if as_of.month <= 6 else 7, 1), as_of)
    if preset == "year":
        return Period(as_of, date(as_of.year, 1, 1), as_of)
    if preset == "twelve_months":
        return Period(as_of, add_months(as_of, -12) + timedelta(days=1), as_of)
    raise ValueError(f"Période « {preset} » inconnue : attendu une de {', '.join(PRESETS_FR)}.")
