"""Values of the contracts file as project managers write them, read into numbers.

Pure readers with no knowledge of the file's structure: numbers with units and
percentages (`read_number`), dates (`read_date`), SLA allowances (`read_allowance`),
the words of weekdays, severities and holidays, and how a found value is shown in a
French message (`show`, `closest`). `contract_parser` applies them key by key.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tma_metrics.domain.model import Severity

__all__ = [
    "CALENDAR_24_7",
    "FRENCH_DATE",
    "FRENCH_WEEKDAYS",
    "HOLIDAY_ALIASES",
    "NO_HOLIDAYS",
    "NUMBER_KEYS",
    "PERIOD",
    "PLANNED_WORDS",
    "SEVERITY_WORDS",
    "WEEKDAYS",
    "WEEKDAY_WORDS",
    "WINDOW",
    "canonical_allowance",
    "closest",
    "normalise_label",
    "read_allowance",
    "read_date",
    "read_number",
    "show",
    "suggestion",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def normalise_label(text: str) -> str:
    """Return ``text`` lower-cased, trimmed, with accents and inner spaces normalised.

    >>> normalise_label("  Très   Haute ")
    'tres haute'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("’", "'").lower().split())


# ---------------------------------------------------------------------------------------
# Values as project managers write them (README, "The contracts file", "What is accepted")
# ---------------------------------------------------------------------------------------

#: Words meaning "no SLA" (*sur planification*), compared without case or accents.
PLANNED_WORDS = frozenset(
    {"planned", "planifie", "sur planification", "planification", "aucun", "aucune", "none"}
)
#: Units of an SLA allowance (normalised spelling -> canonical unit).
_ALLOWANCE_UNITS = {
    **dict.fromkeys(("min", "mn", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "heure", "heures", "hour", "hours"), "h"),
    **dict.fromkeys(
        ("j", "jo", "jour", "jours", "jour ouvre", "jours ouvres", "d", "day", "days"), "j"
    ),
}
_ALLOWANCE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([a-z][a-z ]*?)$")
_HOURS_MINUTES = re.compile(r"^(\d{1,3})\s*h\s*(\d{2})$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TIME = r"(\d{1,2})(?:\s*[:hH]\s*(\d{2})?)?"
WINDOW = re.compile(rf"^{_TIME}\s*(?:-|–|—|à|a)\s*{_TIME}$")
PERIOD = re.compile(r"\s*(?:\.\.|\s(?:au|à|-|–)\s)\s*")
WEEKDAY_WORDS = {
    **{day: i for i, day in enumerate(WEEKDAYS)},
    **{
        day: i
        for i, day in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
FRENCH_WEEKDAYS = {
    **{day: i for i, day in enumerate(("lun", "mar", "mer", "jeu", "ven", "sam", "dim"))},
    **{
        day: i
        for i, day in enumerate(
            ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
        )
    },
}
SEVERITY_WORDS = {
    "bloquante": Severity.BLOQUANTE,
    "bloquant": Severity.BLOQUANTE,
    "majeure": Severity.MAJEURE,
    "majeur": Severity.MAJEURE,
    "mineure": Severity.MINEURE,
    "mineur": Severity.MINEURE,
}
NO_HOLIDAYS = frozenset({"", "none", "aucun", "aucuns", "sans"})
#: Extra spellings of French holiday subdivisions (the package knows 57, 6AE, Moselle...).
HOLIDAY_ALIASES = {"alsace-moselle": "57", "alsace moselle": "57", "67": "6AE", "68": "6AE"}
CALENDAR_24_7 = frozenset({"24/7", "24x7", "24h/24", "24h/24 7j/7", "24h/24, 7j/7"})
#: French (or near) key names a manager may write, and the key the file uses.
_KEY_HINTS = {
    "nom": "name",
    "projets": "projects",
    "projet": "projects",
    "project": "projects",
    "modele": "model",
    "marge": "margin",
    "heures_par_jour": "hours_per_day",
    "fuseau": "timezone",
    "fuseau_horaire": "timezone",
    "alerte": "alert_days",
    "debut": "start",
    "fin": "end",
    "jours": "days",
    "tjm": "daily_rate",
    "taux_journalier": "daily_rate",
    "prix_jour": "daily_rate",
    "calendrier": "calendar",
    "plages": "windows",
    "horaires": "windows",
    "jours_ouvres": "weekdays",
    "feries": "holidays",
    "jours_feries": "holidays",
    "fermetures": "closed",
    "priorites": "priorities",
    "types": "kinds",
    "prise_en_charge": "response",
    "reponse": "response",
    "contournement": "workaround",
    "resolution_totale": "resolution",
}


@dataclass(frozen=True)
class _Number:
    """How one numeric key is written: its unit words, range and the French description."""

    expected: str
    minimum: float = 0.0
    maximum: float | None = None
    positive: bool = False  # strictly above minimum
    units: tuple[str, ...] = ()
    percent: bool = False


_DAYS = ("jours", "jour", "j")
_HOURS_PER_DAY = _Number(
    "un nombre d'heures entre 0 et 24 (ex. 7, 7.5 ou « 7h30 »)",
    maximum=24,
    positive=True,
    units=("heures", "heure", "h"),
)
_FRACTION = "une fraction entre 0 et 1 (ex. 0.25) ou un pourcentage (« 25 % »)"
NUMBER_KEYS = {
    "hours_per_day": _HOURS_PER_DAY,
    "margin": _Number(_FRACTION, maximum=1, percent=True),
    "management_share_target": _Number(_FRACTION, maximum=1, percent=True),
    "alert_days": _Number("un nombre de jours ≥ 0 (ex. 4 ou 2.5)", units=_DAYS),
    "monthly_days": _Number("un nombre de jours > 0 (ex. 5)", positive=True, units=_DAYS),
    "days": _Number("un nombre de jours achetés ≥ 0 (ex. 40 ou 12.5)", units=_DAYS),
    "daily_rate": _Number(
        "un prix par jour ≥ 0 en euros (ex. 650)",
        units=("€ht/jour", "€ht/j", "€/jour", "€/j", "€ht", "€", "euros", "euro", "eur"),
    ),
}


def show(value: Any) -> str:
    """Return ``value`` as a French error message shows what was found.

    >>> show("25 %"), show(date(2026, 1, 31)), show(None), show([1, "a"])
    ('« 25 % »', '31/01/2026', 'aucune valeur', '[1, « a »]')
    """
    if value is None:
        return "aucune valeur"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"« {value} »" if value.strip() else "un texte vide"
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float | int):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list):
        shown = ", ".join(show(v) for v in value[:8])
        return f"[{shown}{', …' if len(value) > 8 else ''}]"
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:8])
        return f"une table ({keys})" if keys else "une table vide"
    return repr(value)


def closest(word: str, choices: Any) -> str | None:
    """Return the choice nearest to ``word`` (a typo's likely meaning), if any is close.

    >>> closest("hour_per_day", ["hours_per_day", "margin"]), closest("xyz", ["margin"])
    ('hours_per_day', None)
    """
    choices = [str(c) for c in choices]
    key = normalise_label(word).replace(" ", "_").replace("-", "_")
    if key in _KEY_HINTS and _KEY_HINTS[key] in choices:
        return _KEY_HINTS[key]
    by_form = {normalise_label(c).replace(" ", "_"): c for c in choices}
    if key in by_form:
        return by_form[key]
    found = difflib.get_close_matches(key, list(by_form), n=1, cutoff=0.7)
    return by_form[found[0]] if found else None


def suggestion(word: str, choices: Any) -> str:
    match = closest(word, choices)
    return f" ; vouliez-vous dire « {match} » ?" if match and match != word else ""


def _decimal(text: str) -> float | None:
    """Read ``12``, ``12.5`` or ``12,5`` (spaces as thousands separators allowed)."""
    compact = re.sub(r"[\s\u00a0\u202f]+", "", text)
    return float(compact.replace(",", ".")) if _DECIMAL.match(compact) else None


def read_number(value: Any, spec: _Number) -> float | None:
    """Return the number ``value`` means under ``spec`` (units, « % »), ``None`` if unreadable.

    >>> read_number("12,5 j", NUMBER_KEYS["days"]), read_number("25 %", NUMBER_KEYS["margin"])
    (12.5, 0.25)
    >>> read_number("7h30", _HOURS_PER_DAY), read_number("beaucoup", _HOURS_PER_DAY)
    (7.5, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number: float | None = float(value)
    elif isinstance(value, str):
        text = normalise_label(value).replace(" ", "")
        scale = 1.0
        if spec.percent and text.endswith("%"):
            text, scale = text[:-1], 0.01
        hours = _HOURS_MINUTES.match(text) if "h" in spec.units else None
        if hours:
            return int(hours.group(1)) + int(hours.group(2)) / 60
        for unit in spec.units:
            if text.endswith(unit) and text != unit:
                text = text[: -len(unit)]
                break
        number = _decimal(text)
        number = None if number is None else number * scale
    else:
        return None
    return number if number is not None and math.isfinite(number) else None


def read_date(value: Any) -> date | None:
    """Return the day ``value`` means (a TOML date, « 2026-01-31 », « 31/01/2026 »), or None.

    >>> read_date("31/01/2026"), read_date("2026-01-31"), read_date("01/31/2026")
    (datetime.date(2026, 1, 31), datetime.date(2026, 1, 31), None)
    """
    if isinstance(value, datetime):
        midnight = value.hour == value.minute == value.second == value.microsecond == 0
        return value.date() if midnight and value.tzinfo is None else None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    french = FRENCH_DATE.match(text)
    try:
        if french:
            day, month, year = (int(g) for g in french.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def read_allowance(value: str) -> tuple[float, str] | None:
    """Return an SLA allowance as (value, unit ``min``/``h``/``j``), or None if unreadable.

    >>> read_allowance("2 H"), read_allowance("1,5 jours ouvrés"), read_allowance("2h30")
    ((2.0, 'h'), (1.5, 'j'), (150.0, 'min'))
    """
    text = normalise_label(value)
    hours = _HOURS_MINUTES.match(text)
    if hours:
        return float(int(hours.group(1)) * 60 + int(hours.group(2))), "min"
    match = _ALLOWANCE.match(text)
    unit = _ALLOWANCE_UNITS.get(match.group(2).strip()) if match else None
    if match is None or unit is None:
        return None
    return float(match.group(1).replace(",", ".")), unit


def canonical_allowance(value: float, unit: str) -> str:
    """Return the allowance as the file's documented form: ``2h``, ``1,5j``, ``30min``."""
    return f"{value:g}".replace(".", ",") + unit
