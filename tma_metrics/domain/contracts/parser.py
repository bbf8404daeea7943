"""Parse and validate the contracts TOML into frozen `Contract` objects.

Pure: takes the TOML text, returns `Contract` objects or raises `ContractError` with a
French message naming the contract, the key, what was expected and what was found.
Values are read by `contract_values`; reading the file from disk is
`contract_file.load_contracts`.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

import holidays as holidays_lib

from tma_metrics.domain.contracts.model import (
    ALWAYS_OPEN,
    CALENDAR_KEYS,
    CARNET_KEYS,
    CONTRACT_KEYS,
    DEFAULT_SLA,
    MODELS,
    SLA_KINDS,
    CalendarSpec,
    Carnet,
    Contract,
    ContractError,
    SlaTarget,
    default_end,
)
from tma_metrics.domain.contracts.values import (
    CALENDAR_24_7,
    FRENCH_DATE,
    FRENCH_WEEKDAYS,
    HOLIDAY_ALIASES,
    NO_HOLIDAYS,
    NUMBER_KEYS,
    PERIOD,
    PLANNED_WORDS,
    SEVERITY_WORDS,
    WEEKDAY_WORDS,
    WEEKDAYS,
    WINDOW,
    canonical_allowance,
    closest,
    normalise_label,
    read_allowance,
    read_date,
    read_number,
    show,
    suggestion,
)
from tma_metrics.domain.model import Kind, Severity
from tma_metrics.domain.vocabulary import (
    DEFAULT_KINDS,
    DEFAULT_PRIORITIES,
    DEFAULT_REJECTED_LABELS,
    DEFAULT_RESOLVED_STATUSES,
    DEFAULT_WAITING_STATUSES,
)

__all__ = ["LOGO_SUFFIXES", "parse_contracts"]

_TOML_MESSAGES = {
    "Invalid value": "valeur illisible",
    "Invalid statement": "ligne illisible",
    "Cannot overwrite a value": "clé déjà définie plus haut dans le même bloc",
    "Expected '=' after a key in a key/value pair": "« = » attendu après la clé",
    "Expected ']' at the end of a table declaration": "« ] » attendu à la fin de l'en-tête",
    "Expected ']]' at the end of an array declaration": "« ]] » attendu à la fin de l'en-tête",
    "Expected newline or end of document after a statement": (
        "fin de ligne attendue après la valeur"
    ),
    "Invalid date or datetime": "date illisible (attendu AAAA-MM-JJ)",
    "Unclosed array": "liste non fermée (« ] » manquant)",
    "Unclosed inline table": "table non fermée (« } » manquant)",
    "Unterminated string": "texte non fermé (guillemet manquant)",
    "Invalid initial character for a key part": "nom de clé illisible",
    "Illegal character '\\n'": "texte non fermé (guillemet manquant en fin de ligne)",
}
_TOML_POSITION = re.compile(r"^(.*?)\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def _toml_error(exc: tomllib.TOMLDecodeError, text: str) -> ContractError:
    """Return the French error of a TOML syntax error: line, column, the line, a hint."""
    match = _TOML_POSITION.match(str(exc))
    detail = match.group(1) if match else str(exc)
    french = _TOML_MESSAGES.get(detail)
    if french is None and detail.startswith("Cannot declare"):
        french = "table déclarée deux fois"
    elif french is None:
        french = f"erreur de syntaxe ({detail})"
    lines = text.splitlines()
    if match and match.group(2):
        number = int(match.group(2))
        where = f", ligne {number}, colonne {match.group(3)}"
    else:
        number = len(lines)
        where = ", à la fin du fichier"
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    value = line.partition("=")[2].split("#")[0].strip()
    hint = ""
    if re.fullmatch(r"-?\d+,\d+", value):
        hint = f" Un nombre décimal s'écrit avec un point ({value.replace(',', '.')}) ou entre "
        hint += f'guillemets ("{value}").'
    elif FRENCH_DATE.match(value):
        hint = f' Une date s\'écrit AAAA-MM-JJ ou entre guillemets ("{value}").'
    elif re.match(r"[^\W\d]", value) and value not in ("true", "false"):
        hint = f' Un texte s\'écrit entre guillemets ("{value}").'
    found = f"« {line} »" if line else "une ligne vide"
    return ContractError(
        f"Fichier de contrats illisible{where} : attendu du TOML valide (clé = valeur, "
        f"[[contract]]), trouvé {found} — {french}.{hint}"
    )


def parse_contracts(text: str) -> tuple[Contract, ...]:
    """Parse the contracts TOML text into contracts; raise `ContractError` on any fault."""
    text = text.removeprefix("\ufeff")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(exc, text) from None
    for key in doc:
        if key != "contract":
            raise ContractError(
                f"Clé « {key} » inconnue en tête du fichier : attendu des blocs [[contract]], "
                f"trouvé « {key} » = {show(doc[key])}" + (suggestion(key, ["contract"]) or ".")
            )
    raw_contracts = doc.get("contract", [])
    if isinstance(raw_contracts, dict):
        raise ContractError(
            "Clé « contract » : attendu des blocs [[contract]] (double crochets), trouvé une "
            "table [contract] (crochets simples)."
        )
    if not isinstance(raw_contracts, list):
        raise ContractError(
            f"Clé « contract » : attendu des blocs [[contract]], trouvé {show(raw_contracts)}."
        )
    if not raw_contracts:
        raise ContractError(
            "Fichier de contrats vide : attendu au moins un bloc [[contract]] (name, projects, "
            "[[contract.carnet]]), trouvé aucun contrat."
        )
    contracts = tuple(_parse_contract(raw, i) for i, raw in enumerate(raw_contracts, 1))
    seen: dict[str, int] = {}
    for i, contract in enumerate(contracts, 1):
        first = seen.setdefault(normalise_label(contract.name), i)
        if first != i:
            raise ContractError(
                f"Nom de contrat en double : attendu des noms uniques (comparés sans casse ni "
                f"accents), trouvé « {contract.name} » aux contrats n° {first} et n° {i}."
            )
    owners: dict[str, str] = {}
    for contract in contracts:
        for project in contract.projects:
            owner = owners.setdefault(normalise_label(project), contract.name)
            if owner != contract.name:
                raise ContractError(
                    f"Contrat « {contract.name} », clé « projects » : attendu des projets "
                    f"propres au contrat, trouvé « {project} » déjà rattaché à « {owner} »."
                )
    return contracts


class _Reader:
    """Typed access to one TOML table with French errors naming contract and key."""

    def __init__(self, table: dict[str, Any], contract: str, prefix: str = "") -> None:
        self.table = table
        self.contract = contract  # « Contrat « X » » or « Contrat n° 2 »
        self.prefix = prefix

    def fail(
        self, key: str, expected: str, found: Any, hint: str = "", *, unknown: bool = False
    ) -> ContractError:
        name = f"« {(self.prefix + key).rstrip('.')} »" + (" inconnue" if unknown else "")
        return ContractError(
            f"{self.contract}, clé {name} : attendu {expected}, trouvé {show(found)}{hint or '.'}"
        )

    def number(self, key: str, default: float | None) -> float | None:
        spec = NUMBER_KEYS[key]
        if key not in self.table:
            return default
        value = self.table[key]
        number = read_number(value, spec)
        bad = (
            number is None
            or number < spec.minimum
            or (spec.positive and number <= spec.minimum)
            or (spec.maximum is not None and number > spec.maximum)
        )
        if bad:
            hint = ""
            if spec.percent and isinstance(value, int | float) and 1 < value <= 100:
                hint = f" ; pour {value:g} %, écrivez {value / 100:g} ou « {value:g} % »."
            raise self.fail(key, spec.expected, value, hint)
        return number

    def text(self, key: str, default: str | None) -> str | None:
        value = self.table.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(key, "un texte", value)
        return value.strip() if value is not None else None

    def texts(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.table.get(key, list(default))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, 'une liste de textes (["a", "b"])', value)
        blank = [v for v in value if not v.strip()]
        if blank:
            raise self.fail(key, "des textes non vides", value)
        return tuple(v.strip() for v in value)

    def day(self, key: str) -> date | None:
        if key not in self.table:
            return None
        value = self.table[key]
        parsed = read_date(value)
        if parsed is None:
            expected = "une date AAAA-MM-JJ (ou « JJ/MM/AAAA »)"
            if isinstance(value, datetime):
                expected = "une date sans heure AAAA-MM-JJ"
            raise self.fail(key, expected, value)
        return parsed

    def unknown_keys(self, allowed: Any, misplaced: dict[str, str] | None = None) -> None:
        for key in self.table:
            if key in allowed:
                continue
            hint = suggestion(key, allowed)
            if misplaced and key in misplaced:
                hint = f" ; {misplaced[key]}."
            expected = "une des clés " + ", ".join(sorted(allowed))
            raise self.fail(key, expected, key, hint, unknown=True)


def _misplaced_in_subtable(table: str) -> dict[str, str]:
    """Hints for contract keys written after a sub-table header (TOML puts them in it)."""
    return {
        key: (
            f"« {key} » est une clé du contrat : en TOML, une clé écrite après l'en-tête "
            f"{table} appartient à ce bloc, placez-la avant le premier [[contract.carnet]] "
            "ou [contract.…]"
        )
        for key in CONTRACT_KEYS
    }


_CONTRACT_MISPLACED = {
    **{key: f"« {key} » se place dans un bloc [[contract.carnet]]" for key in CARNET_KEYS},
    **{key: f"« {key} » se place dans [contract.calendar]" for key in CALENDAR_KEYS},
    **{kind: f"« {kind} » se place dans [contract.sla.<sévérité>]" for kind in SLA_KINDS},
}


def _parse_contract(raw: Any, index: int) -> Contract:
    """Return contract n° ``index`` of the file, every key checked."""
    name = _contract_name(raw, index)
    r = _Reader(raw, f"Contrat « {name} »")
    r.unknown_keys(CONTRACT_KEYS, _CONTRACT_MISPLACED)
    projects = r.texts("projects", ())
    if not projects:
        raise r.fail(
            "projects", 'au moins un projet (projects = ["nom ou clé"])', raw.get("projects")
        )
    model = _choice(r, "model", "carnet", {**{m: m for m in MODELS}})
    hours_per_day = r.number("hours_per_day", 8.0)
    timezone = _timezone(r)
    calendar = _parse_calendar(raw.get("calendar", {}), r.contract, "calendar.")
    carnets = _parse_carnets(raw.get("carnet", []), r.contract)
    _check_carnets(r, model, carnets)
    monthly_days = _monthly_days(r, model)
    sla = _parse_sla(raw.get("sla", {}), r.contract)
    priorities = _priorities(raw, r)
    kinds = _kinds(raw, r)
    sla_kinds = _sla_kinds(r)
    return Contract(
        name=name,
        projects=projects,
        carnets=carnets,
        model=str(model),
        hours_per_day=float(hours_per_day or 8.0),
        margin=float(r.number("margin", 0.25) or 0.0),
        alert_days=float(r.number("alert_days", 4.0) or 0.0),
        timezone=timezone,
        waiting_statuses=r.texts("waiting_statuses", DEFAULT_WAITING_STATUSES),
        resolved_statuses=r.texts("resolved_statuses", DEFAULT_RESOLVED_STATUSES),
        rejected_labels=r.texts("rejected_labels", DEFAULT_REJECTED_LABELS),
        calendar=calendar,
        sla=sla,
        sla_ticket_kinds=tuple(dict.fromkeys(sla_kinds)),
        priorities=tuple(sorted(priorities.items())),
        kinds=tuple(sorted(kinds.items())),
        monthly_days=monthly_days,
        management_share_target=float(r.number("management_share_target", 0.10) or 0.0),
        client=r.text("client", None),
        logo=_logo(r),
    )


def _contract_name(raw: Any, index: int) -> str:
    """Return the contract's name, checking the contract is a table with one."""
    if not isinstance(raw, dict):
        raise ContractError(f"Contrat n° {index} : attendu une table, trouvé {show(raw)}.")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ContractError(
            f'Contrat n° {index}, clé « name » : attendu un nom (name = "Client"), '
            f"trouvé {show(name)}."
        )
    name = name.strip()
    return name


def _check_carnets(r: _Reader, model: str, carnets: tuple[Carnet, ...]) -> None:
    """Check the carnet model has carnets and the others none."""
    if model == "carnet" and not carnets:
        raise r.fail("carnet", "au moins un bloc [[contract.carnet]] (start, days)", None)
    if model != "carnet" and carnets:
        raise r.fail(
            "carnet",
            f"aucun bloc [[contract.carnet]] pour model = « {model} » (seul le modèle carnet a "
            "un solde)",
            f"{len(carnets)} bloc(s) [[contract.carnet]]",
        )


def _monthly_days(r: _Reader, model: str) -> float | None:
    """Return the days included per month, required by the subscription model alone."""
    monthly_days = r.number("monthly_days", None)
    if model == "subscription" and monthly_days is None:
        raise r.fail("monthly_days", "les jours inclus par mois du modèle subscription", None)
    if model != "subscription" and monthly_days is not None:
        raise r.fail("monthly_days", "cette clé pour le seul modèle subscription", monthly_days)
    return monthly_days


def _priorities(raw: dict, r: _Reader) -> dict[str, str]:
    """Return the severity of each priority label: the defaults, then the contract's."""
    priorities = {normalise_label(k): str(v) for k, v in DEFAULT_PRIORITIES.items()}
    mapping = _Reader(_table(raw, "priorities", r), r.contract, "priorities.")
    for label in mapping.table:
        severity = _choice(mapping, label, None, SEVERITY_WORDS, "bloquante, majeure ou mineure")
        priorities[normalise_label(label)] = str(severity)
    return priorities


def _kinds(raw: dict, r: _Reader) -> dict[str, str]:
    """Return the kind of each tracker label: the defaults, then the contract's."""
    kinds = {normalise_label(k): str(v) for k, v in DEFAULT_KINDS.items()}
    mapping = _Reader(_table(raw, "kinds", r), r.contract, "kinds.")
    for label in mapping.table:
        kinds[normalise_label(label)] = str(_choice(mapping, label, None, {k: k for k in Kind}))
    return kinds


def _sla_kinds(r: _Reader) -> list[str]:
    """Return the ticket kinds under SLA (corrective by default), each checked."""
    sla_kinds = []
    for kind in r.texts("sla_ticket_kinds", (Kind.CORRECTIVE,)):
        found = {normalise_label(k): str(k) for k in Kind}.get(normalise_label(kind))
        if found is None:
            expected = "des types parmi " + ", ".join(Kind)
            raise r.fail("sla_ticket_kinds", expected, kind, suggestion(kind, list(Kind)))
        sla_kinds.append(found)
    return sla_kinds


#: Image files a deck can show as the client's logo.
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


def _logo(r: _Reader) -> str | None:
    """Return the logo's path as written: relative, inside the contracts file's folder."""
    path = r.text("logo", None)
    if path is None:
        return None
    parts = path.replace("\\", "/").split("/")
    inside = not path.startswith(("/", "\\")) and ":" not in path and ".." not in parts
    if not inside or not path.lower().endswith(LOGO_SUFFIXES):
        raise r.fail(
            "logo",
            "un chemin d'image PNG ou JPEG relatif au dossier du fichier des contrats "
            '(logo = "logos/client.png")',
            path,
        )
    return path


def _choice(
    r: _Reader, key: str, default: str | None, words: dict[str, str], expected: str = ""
) -> str:
    """Return the canonical word ``r.table[key]`` names (without case or accents)."""
    value = r.table.get(key, default)
    canonical = {normalise_label(k): v for k, v in words.items()}
    if isinstance(value, str) and normalise_label(value) in canonical:
        return canonical[normalise_label(value)]
    choices = sorted(set(words.values()))
    expected = expected or "un de " + ", ".join(choices)
    hint = suggestion(value, choices) if isinstance(value, str) else ""
    raise r.fail(key, expected, value, hint)


@functools.cache
def _known_timezones() -> frozenset[str]:
    try:
        return frozenset(zoneinfo.available_timezones())
    except (OSError, ValueError):  # pragma: no cover - no time zone database at all
        return frozenset()


def _timezone(r: _Reader) -> str:
    value = r.text("timezone", "Europe/Paris") or "Europe/Paris"
    known = _known_timezones()
    by_case = {z.lower(): z for z in known}
    value = by_case.get(value.lower(), value)
    if known and value not in known:
        by_city = {normalise_label(z.rsplit("/", 1)[-1]): z for z in sorted(known)}
        match = by_city.get(normalise_label(value).replace(" ", "_")) or closest(value, known)
        hint = f" ; vouliez-vous dire « {match} » ?" if match else ""
        raise r.fail("timezone", "un fuseau horaire IANA (ex. « Europe/Paris »)", value, hint)
    return value


def _table(raw: dict[str, Any], key: str, r: _Reader) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise r.fail(key, f"une table [contract.{key}]", value)
    return value


def _parse_carnets(raw: Any, contract: str) -> tuple[Carnet, ...]:
    if isinstance(raw, dict):
        raise ContractError(
            f"{contract}, clé « carnet » : attendu des blocs [[contract.carnet]] (double "
            "crochets), trouvé une table [contract.carnet] (crochets simples)."
        )
    if not isinstance(raw, list):
        raise ContractError(
            f"{contract}, clé « carnet » : attendu des blocs [[contract.carnet]], "
            f"trouvé {show(raw)}."
        )
    carnets: list[tuple[int, Carnet]] = []
    for i, item in enumerate(raw, 1):
        r = _Reader(item if isinstance(item, dict) else {}, contract, f"carnet[{i}].")
        if not isinstance(item, dict):
            raise r.fail("", "une table", item)
        r.unknown_keys(CARNET_KEYS, _misplaced_in_subtable("[[contract.carnet]]"))
        start = r.day("start")
        if start is None:
            raise r.fail("start", "une date de début AAAA-MM-JJ", None)
        days = r.number("days", None)
        if days is None:
            raise r.fail("days", "le nombre de jours achetés (ex. days = 40)", None)
        end = r.day("end") or default_end(start)
        if end < start:
            raise r.fail("end", f"une date de fin postérieure au début ({start:%d/%m/%Y})", end)
        carnets.append((i, Carnet(start, end, days, r.number("daily_rate", None))))
    carnets.sort(key=lambda item: item[1].start)
    for (i, previous), (j, current) in itertools.pairwise(carnets):
        where = f"{contract}, clé « carnet[{j}].start »"
        if current.start == previous.start:
            raise ContractError(
                f"{where} : attendu une date de début différente de celle du carnet n° {i}, "
                f"trouvé deux carnets commençant le {current.start:%d/%m/%Y}."
            )
        if current.start <= previous.end and current.end < previous.end:
            raise ContractError(
                f"{contract}, clé « carnet[{j}].end » : attendu une fin au plus tôt le "
                f"{previous.end:%d/%m/%Y} (un carnet qui commence pendant le carnet n° {i} le "
                f"renouvelle : le n° {i} s'arrête la veille), trouvé {current.end:%d/%m/%Y} ; "
                "pour ajouter des jours au carnet en cours, augmentez plutôt ses « days »."
            )
    return tuple(carnet for _, carnet in carnets)


def _window_values(r: _Reader) -> list[str]:
    value = r.table.get("windows", ["09:00-13:00", "14:00-18:00"])
    if isinstance(value, str):
        value = [v for v in re.split(r"\s*(?:[,;]|\bet\b)\s*", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise r.fail("windows", 'des plages horaires ["09:00-13:00", "14:00-18:00"]', value)
    return value


def _parse_windows(r: _Reader) -> tuple[tuple[int, int], ...]:
    windows: list[tuple[int, int, str]] = []
    for text in _window_values(r):
        match = WINDOW.match(text.strip())
        if not match:
            raise r.fail("windows", "des plages « HH:MM-HH:MM » (ex. « 09:00-13:00 »)", text)
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or end > 24 * 60:
            raise r.fail("windows", "des heures entre 00:00 et 24:00", text)
        if start >= end:
            raise r.fail(
                "windows",
                "une plage dont le début précède la fin",
                text,
                " ; une plage de nuit s'écrit en deux : « 00:00-06:00 », « 22:00-24:00 ».",
            )
        windows.append((start, end, text))
    if not windows:
        raise r.fail("windows", "au moins une plage horaire", [])
    windows.sort()
    for (_, previous_end, previous), (start, _, text) in itertools.pairwise(windows):
        if start < previous_end:
            raise r.fail(
                "windows",
                f"des plages qui ne se chevauchent pas (« {previous} » déborde)",
                text,
            )
    return tuple((start, end) for start, end, _ in windows)


def _weekday(word: str) -> int | None:
    """A weekday in English (``mon``, ``Monday``) or French (``lun``, ``lundi``)."""
    label = normalise_label(word).rstrip(".")
    found = WEEKDAY_WORDS.get(label)
    return FRENCH_WEEKDAYS.get(label) if found is None else found


def _weekday_parts(word: str) -> list[str]:
    return re.split(r"\s*[-–]\s*|\s+(?:au|à|to)\s+", word.strip())


def _parse_weekdays(r: _Reader) -> tuple[int, ...]:
    value = r.table.get("weekdays", list(WEEKDAYS[:5]))
    if isinstance(value, str):
        value = [v for v in re.split(r"\s*[,;]\s*", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise r.fail("weekdays", 'une liste de jours (["mon", "tue", …])', value)
    days: set[int] = set()
    for word in value:
        numbers = [_weekday(part) for part in _weekday_parts(word)]
        if None in numbers or len(numbers) > 2:
            expected = (
                "des jours parmi " + ", ".join(WEEKDAYS) + " ou lun … dim (ou une suite "
                "« mon-fri », « lun-ven »)"
            )
            raise r.fail("weekdays", expected, word, suggestion(word, WEEKDAY_WORDS))
        first, last = numbers[0], numbers[-1]
        assert first is not None and last is not None
        days.update((first + k) % 7 for k in range((last - first) % 7 + 1))
    if not days:
        raise r.fail("weekdays", "au moins un jour ouvré", value)
    return tuple(sorted(days))


@functools.cache
def _holiday_subdivisions() -> dict[str, str]:
    """French holiday subdivisions of the ``holidays`` package, by normalised spelling."""
    france = holidays_lib.France
    codes = {normalise_label(code): code for code in france.subdivisions}
    aliases = getattr(france, "subdivisions_aliases", {})
    codes.update({normalise_label(alias): code for alias, code in aliases.items()})
    codes.update(
        {alias: codes.get(normalise_label(code), code) for alias, code in HOLIDAY_ALIASES.items()}
    )
    return codes


def _parse_holidays(r: _Reader) -> str | None:
    value = r.table.get("holidays", "FR")
    if value is False or value is None:
        return None
    if value is True:
        return "FR"
    expected = (
        "« FR », « FR-57 » (Alsace-Moselle), une autre subdivision du paquet holidays ou « none »"
    )
    if not isinstance(value, str):
        raise r.fail("holidays", expected, value)
    text = normalise_label(value)
    if text in NO_HOLIDAYS:
        return None
    if text in ("fr", "france"):
        return "FR"
    subdivisions = _holiday_subdivisions()
    code = subdivisions.get(text.removeprefix("fr-").removeprefix("fr ").strip())
    if code is None:
        known = ", ".join(f"FR-{c}" for c in holidays_lib.France.subdivisions)
        raise r.fail("holidays", expected, value, f" (subdivisions connues : {known}).")
    return f"FR-{code}"


def _closed_days(value: Any) -> list[date] | None:
    """Return the days one ``closed`` item means (a date, or a period « a..b »), or None."""
    single = read_date(value)
    if single is not None:
        return [single]
    if not isinstance(value, str):
        return None
    parts = PERIOD.split(value.strip().removeprefix("du ").removeprefix("Du "))
    if len(parts) != 2:
        return None
    first, last = read_date(parts[0]), read_date(parts[1])
    if first is None or last is None or last < first or (last - first).days > 366:
        return None
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def _parse_closed(r: _Reader) -> tuple[date, ...]:
    value = r.table.get("closed", [])
    if not isinstance(value, list):
        value = [value]
    closed: set[date] = set()
    for item in value:
        days = _closed_days(item)
        if days is None:
            expected = (
                "des dates AAAA-MM-JJ (ou « JJ/MM/AAAA », ou une période "
                "« 2026-08-03..2026-08-21 »)"
            )
            raise r.fail("closed", expected, item)
        closed.update(days)
    return tuple(sorted(closed))


def _parse_calendar(raw: Any, contract: str, prefix: str) -> CalendarSpec:
    if isinstance(raw, str) and normalise_label(raw) in CALENDAR_24_7:
        return ALWAYS_OPEN
    r = _Reader(raw if isinstance(raw, dict) else {}, contract, prefix)
    if not isinstance(raw, dict):
        raise r.fail("", "une table [contract.calendar] ou « 24/7 »", raw)
    r.unknown_keys(CALENDAR_KEYS, _misplaced_in_subtable("[contract.calendar]"))
    return CalendarSpec(
        windows=_parse_windows(r),
        weekdays=_parse_weekdays(r),
        holidays=_parse_holidays(r),
        closed=_parse_closed(r),
    )


def _allowance(r: _Reader, kind: str, default: str) -> str | None:
    """Return the allowance of ``kind`` in canonical form (``2h``), or None for planned."""
    value = r.table.get(kind, default)
    expected = "un délai « 2h », « 1j », « 30min » ou « planned »"
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise r.fail(
            kind, expected, value, f" : l'unité manque (« {value:g}h » ou « {value:g}j » ?)."
        )
    if not isinstance(value, str):
        raise r.fail(kind, expected, value)
    if normalise_label(value) in PLANNED_WORDS:
        return None
    parsed = read_allowance(value)
    if parsed is None:
        raise r.fail(kind, expected, value)
    if parsed[0] <= 0:
        raise r.fail(kind, "un délai > 0 (ou « planned » pour aucun délai)", value)
    return canonical_allowance(*parsed)


def _parse_sla(raw: Any, contract: str) -> tuple[SlaTarget, ...]:
    if not isinstance(raw, dict):
        raise ContractError(
            f"{contract}, clé « sla » : attendu des tables [contract.sla.<sévérité>], "
            f"trouvé {show(raw)}."
        )
    rows: dict[str, Any] = {}
    for name, row in raw.items():
        severity = SEVERITY_WORDS.get(normalise_label(name))
        if severity is None:
            raise ContractError(
                f"{contract}, clé « sla.{name} » : attendu une sévérité (bloquante, majeure, "
                f"mineure), trouvé « {name} »" + (suggestion(name, list(Severity)) or ".")
            )
        if severity in rows:
            raise ContractError(
                f"{contract}, clé « sla.{name} » : attendu une table par sévérité, trouvé "
                f"« {severity} » deux fois."
            )
        rows[severity] = row
    targets: list[SlaTarget] = []
    for severity in Severity:
        row = rows.get(severity, {})
        r = _Reader(row if isinstance(row, dict) else {}, contract, f"sla.{severity}.")
        if not isinstance(row, dict):
            raise r.fail("", "une table (response, workaround, resolution)", row)
        r.unknown_keys(
            (*SLA_KINDS, "calendar"), _misplaced_in_subtable(f"[contract.sla.{severity}]")
        )
        calendar = (
            _parse_calendar(row["calendar"], contract, f"sla.{severity}.calendar.")
            if "calendar" in row
            else None
        )
        for kind in SLA_KINDS:
            allowance = _allowance(r, kind, DEFAULT_SLA[severity][kind])
            targets.append(SlaTarget(str(severity), kind, allowance, calendar))
    return tuple(targets)
