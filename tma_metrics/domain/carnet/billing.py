"""What is deducted from a carnet: the estimate guarantee and re-estimates (DOMAIN.md §2).

Pure and vectorised: per-ticket terms are column expressions, the cumulative cap is one
sort and one grouped cumulative sum. No loop per ticket or per entry.

Rules (the ticket's *billing rule*, first match wins):

1. ``reestimate_accepted``: an accepted re-estimate ``E' > 0`` replaces the estimate for
   the whole ticket; cap ``(1 + margin) * E'``. It wins even over a refused or pending
   original estimate: the client accepted that figure.
2. ``estimate_refused``: the study time is deducted as spent.
3. ``estimate_pending``: deducted as spent (and listed, see ``qualification_over_2h``).
4. ``no_estimate``: no estimate, or an estimate of 0 / null: deducted as spent.
5. With a validated estimate ``E > 0`` (an estimate whose status is null counts as
   validated unless ``assume_validated=False``, for tools without an approval workflow;
   then, like any unknown status, it counts as pending):

   - ``late_reestimate_refused``: a re-estimate announced *late* and refused: every hour
     of the ticket deducts 0 (cap 0);
   - ``reestimate_refused``: announced in time and refused: the original cap stays;
   - ``reestimate_pending``: the original cap applies until the client answers;
   - ``estimate_cap``: otherwise, cap ``(1 + margin) * E``.

A re-estimate is *late* when the time spent on the ticket by entries dated on or before
the re-estimate's day is strictly greater than ``margin * E`` (E the original estimate);
entries of the re-estimate's own day count as spent before it, since entries carry no
reliable time of day. A re-estimate without a date is never late (nothing proves it).
An accepted re-estimate without hours is ignored.

The cap is applied cumulatively in the order (date, started_at, entry_uid), entries
without ``started_at`` last within their day: entries deduct until the cap is reached,
the one that crosses it is deducted partially, later ones deduct 0.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tma_metrics.domain.frames import column_or_null, floats, positions_in, require
from tma_metrics.domain.model import EstimateStatus, ReestimateStatus

__all__ = [
    "CAPPED_RULES",
    "ENTRY_RULES",
    "EPS",
    "QUALIFICATION_LIMIT_HOURS",
    "TICKET_RULES",
    "UNESTIMATED_RULES",
    "Billed",
    "deduct",
    "deduct_over_time",
    "deducted_at",
    "effective_estimates",
    "spent_table",
    "terms_at",
    "text_values",
    "ticket_billing",
]

#: Tolerance for float comparisons of hours.
EPS = 1e-9

#: Entry rule code -> meaning (English; the UI gives French labels).
ENTRY_RULES: dict[str, str] = {
    "no_ticket": "entry without ticket (transverse management): deducted as spent",
    "unknown_ticket": "ticket missing from the tickets table: deducted as spent",
    "no_estimate": "ticket without estimate (null or 0): deducted as spent",
    "estimate_pending": "estimate awaiting the client's approval: deducted as spent",
    "estimate_refused": "estimate refused: the study time is deducted as spent",
    "within_cap": "under the guarantee cap: fully deducted",
    "capped": "reaches past the guarantee cap: partly or not deducted",
    "late_reestimate_refused": "late re-estimate refused: the time spent is free",
}

#: Ticket billing rule code -> meaning.
TICKET_RULES: dict[str, str] = {
    "unknown_ticket": "ticket missing from the tickets table: deducted as spent",
    "no_estimate": "no estimate (null or 0): deducted as spent",
    "estimate_pending": "estimate awaiting approval: deducted as spent",
    "estimate_refused": "estimate refused: study time deducted as spent",
    "estimate_cap": "validated estimate: cap (1 + margin) × estimate",
    "reestimate_accepted": "accepted re-estimate: cap (1 + margin) × re-estimate",
    "reestimate_pending": "re-estimate awaiting approval: original cap",
    "reestimate_refused": "re-estimate announced in time and refused: original cap",
    "late_reestimate_refused": "late re-estimate refused: nothing deducted",
}

#: Ticket rules deducted as spent whose tickets must be listed (no approved figure).
UNESTIMATED_RULES = ("no_estimate", "estimate_pending")

#: Rules that carry a cap (the ticket's guarantee is at work).
CAPPED_RULES = (
    "estimate_cap",
    "reestimate_accepted",
    "reestimate_pending",
    "reestimate_refused",
    "late_reestimate_refused",
)

#: Qualification should stay under 2 h without the client's approval (DOMAIN.md §2.4).
QUALIFICATION_LIMIT_HOURS = 2.0

_ENTRY_COLUMNS = ("entry_uid", "ticket_uid", "date", "hours")
_TICKET_COLUMNS = ("ticket_uid", "estimate_hours")


def deduct(
    entries: pd.DataFrame,
    tickets: pd.DataFrame,
    margin: float,
    *,
    assume_validated: bool = True,
    unique_ids: bool = False,
) -> pd.DataFrame:
    """Return ``entries`` with what each one deducts from the carnet.

    Parameters
    ----------
    entries
        One row per time entry: ``entry_uid`` (unique), ``ticket_uid`` (null: no
        ticket), ``date``, ``hours`` (≥ 0), optional ``started_at``.
    tickets
        ``ticket_uid``, ``estimate_hours``, and optionally ``estimate_status``,
        ``reestimate_hours``, ``reestimated_at``, ``reestimate_status``.
    margin
        Estimate guarantee (0.25: the client pays at most 125 % of the estimate).
    assume_validated
        Take an estimate with a null status as validated (tools without approval).
    unique_ids
        The caller guarantees ``entry_uid`` is unique (the store's key): skip checking it
        (hashing millions of ids); every other check still runs.

    Returns
    -------
    The entries, same order and index, plus ``deducted_hours``, ``absorbed_hours``
    (hours − deducted), ``rule`` (`ENTRY_RULES`), ``ticket_rule`` (`TICKET_RULES`, null
    without ticket) and ``cap_hours`` (null when the ticket has no cap).
    """
    require(entries, _ENTRY_COLUMNS, "saisies de temps")
    _check_entries(entries, check_unique=not unique_ids)
    estimates = effective_estimates(tickets, assume_validated=assume_validated)
    rows = _Rows.of(entries, estimates.index)
    terms = _terms(estimates, rows, margin)
    known = rows.codes >= 0
    unknown = ~known & ~rows.no_ticket
    cap = np.where(known, _per_entry(terms["cap_hours"].to_numpy(), rows.codes, np.nan), np.nan)
    # Ticket rules as codes into TICKET_RULES (the last code: no ticket, null).
    rule_names = list(TICKET_RULES)
    ticket_code = _rule_codes(terms["ticket_rule"].to_numpy(dtype=object), rule_names)
    no_rule = len(rule_names)
    ticket_rule = np.where(known, _per_entry(ticket_code, rows.codes, no_rule), no_rule)
    ticket_rule = np.where(unknown, rule_names.index("unknown_ticket"), ticket_rule)

    # Billing order within a ticket: date, start time (missing last), entry_uid.
    started = pd.to_datetime(column_or_null(entries, "started_at")).to_numpy("datetime64[us]")
    started_key = np.where(np.isnat(started), np.iinfo("int64").max, started.view("int64"))
    has_cap = np.isfinite(cap)
    order = _billing_order(rows.codes, rows.dates.view("int64"), started_key, has_cap, entries)
    hours = rows.hours
    ordered_hours = pd.Series(hours[order])
    # Cumulative hours spent on the ticket before each entry (grouped, so no drift).
    before = np.empty(len(hours))
    before[order] = (ordered_hours.groupby(rows.codes[order]).cumsum() - ordered_hours).to_numpy()
    deducted = np.where(has_cap, np.clip(cap - before, 0.0, hours), hours)

    entry_names = list(ENTRY_RULES)
    rule = np.select(
        [
            rows.no_ticket,
            unknown,
            ticket_rule == rule_names.index("late_reestimate_refused"),
            has_cap & (deducted < hours - EPS),
            has_cap,
        ],
        [
            entry_names.index(name)
            for name in ("no_ticket", "unknown_ticket", "late_reestimate_refused", "capped")
        ]
        + [entry_names.index("within_cap")],
        default=-1,
    )
    # Entries deducted as spent carry their ticket's rule (no_estimate, estimate_pending...).
    vocabulary = [*entry_names, *rule_names, None]
    rule = np.where(rule >= 0, rule, len(entry_names) + ticket_rule)
    out = entries.copy()
    out["deducted_hours"] = deducted
    out["absorbed_hours"] = hours - deducted
    out["rule"] = _texts(vocabulary, rule)
    out["ticket_rule"] = _texts([*rule_names, None], ticket_rule)
    out["cap_hours"] = cap
    return out


class Billed(NamedTuple):
    """`deduct_over_time`'s result: the entries as billed, and the tickets' terms."""

    entries: pd.DataFrame  # `deduct`'s output plus ``deducted_in_time``
    terms: pd.DataFrame  # `effective_estimates` plus ``late_since``, index ``ticket_uid``


def deduct_over_time(
    entries: pd.DataFrame,
    tickets: pd.DataFrame,
    margin: float,
    *,
    assume_validated: bool = True,
    unique_ids: bool = False,
) -> Billed:
    """Bill every entry once, for every as-of date: `deduct` of all the entries, plus
    what an entry deducts while its ticket's refused re-estimate is not late yet.

    ``deducted_in_time`` is `deduct` of the entries of such a ticket dated before its
    ``late_since`` (null for every other entry). Seen on ``as_of``, an entry deducts
    `deducted_at` of the two: the result of `deduct` on the entries up to ``as_of``.
    """
    billed = deduct(
        entries, tickets, margin, assume_validated=assume_validated, unique_ids=unique_ids
    )
    estimates = effective_estimates(tickets, assume_validated=assume_validated)
    rows = _Rows.of(entries, estimates.index)
    terms = _late_since(estimates, rows, margin)
    refused = ~np.isnat(terms["late_since"].to_numpy()) & (
        terms["base_rule"].to_numpy() == "reestimate_refused"
    )
    since = _per_entry(
        np.where(refused, terms["late_since"].to_numpy(), np.datetime64("NaT")),
        rows.codes,
        np.datetime64("NaT"),
    )
    in_time = np.full(len(entries), np.nan)
    early = rows.dates < since  # NaT: False
    if early.any():
        again = deduct(
            entries[early],
            tickets,
            margin,
            assume_validated=assume_validated,
            unique_ids=True,
        )
        in_time[early] = again["deducted_hours"].to_numpy()
    billed["deducted_in_time"] = in_time
    return Billed(billed, terms)


def deducted_at(
    deducted: np.ndarray, in_time: np.ndarray, late_since: np.ndarray, as_of: date
) -> np.ndarray:
    """Return what entries billed by `deduct_over_time` deduct seen on ``as_of``.

    ``late_since`` is each entry's ticket's (NaT: none); entries dated after ``as_of``
    are the caller's to leave out.
    """
    day = np.datetime64(pd.Timestamp(as_of).normalize(), "us")
    waiting = ~np.isnan(in_time) & (late_since.astype("datetime64[us]") > day)
    return np.where(waiting, in_time, deducted)


def _rule_codes(rules: np.ndarray, names: list[str]) -> np.ndarray:
    """Return each rule's position in ``names`` (null: ``len(names)``)."""
    index = {name: i for i, name in enumerate(names)}
    return np.array([index.get(r, len(names)) for r in rules], dtype=np.int64)


def _texts(vocabulary: list[str | None], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Return ``vocabulary[codes]`` as a "str" array (one Arrow take, no Python strings)."""
    taken = pa.array(vocabulary, pa.string()).take(pa.array(codes, pa.int64()))
    return pd.array(taken, dtype="str")


def _billing_order(
    codes: np.ndarray,
    dates: np.ndarray,
    started: np.ndarray,
    has_cap: np.ndarray,
    entries: pd.DataFrame,
) -> np.ndarray:
    """Return the positions of the entries in billing order: ticket, date, start, entry_uid.

    Entries are sorted on the integer keys; only runs of entries of a capped ticket that
    tie on them are then ordered by ``entry_uid`` (the order of the others changes
    nothing), so two million uids are not sorted as text.
    """
    order = np.lexsort((started, dates, codes))
    if len(order) < 2:
        return order
    c, d, s = codes[order], dates[order], started[order]
    tie = (c[1:] == c[:-1]) & (d[1:] == d[:-1]) & (s[1:] == s[:-1]) & has_cap[order][1:]
    if not tie.any():
        return order
    in_run = np.zeros(len(order), dtype=bool)
    in_run[1:] |= tie
    in_run[:-1] |= tie
    run = np.cumsum(np.concatenate(([True], ~tie)))
    at = np.flatnonzero(in_run)
    uids = pa.array(entries["entry_uid"].array).take(pa.array(order[at]))
    ranked = pc.sort_indices(
        pa.table({"run": run[at], "uid": uids}),
        sort_keys=[("run", "ascending"), ("uid", "ascending")],
    ).to_numpy()
    order[at] = order[at][ranked]
    return order


def ticket_billing(
    deducted: pd.DataFrame,
    tickets: pd.DataFrame,
    margin: float,
    *,
    assume_validated: bool = True,
    qualification_limit_hours: float = QUALIFICATION_LIMIT_HOURS,
) -> pd.DataFrame:
    """Return one row per ticket: spent, deducted and absorbed hours and the rule applied.

    Rows: every ticket of ``tickets`` (0 h when it has no entry) plus tickets only known
    from the entries (rule ``unknown_ticket``). Entries without ticket are left out.

    Columns: ``ticket_uid``, ``spent_hours``, ``deducted_hours``, ``absorbed_hours``,
    ``entry_count``, ``estimate_hours`` (original, null when unusable),
    ``effective_estimate_hours``, ``cap_hours``, ``rule``, ``reestimated``,
    ``late_reestimate`` and ``qualification_over_2h``: a ticket with no approved figure
    (rule ``no_estimate`` or ``estimate_pending``, DOMAIN.md §2.4 "without the client's
    approval") and more than ``qualification_limit_hours`` spent.
    """
    require(deducted, ("ticket_uid", "date", "hours", "deducted_hours"), "saisies déduites")
    estimates = effective_estimates(tickets, assume_validated=assume_validated)
    rows = _Rows.of(deducted, estimates.index)
    terms = _terms(estimates, rows, margin)
    known = rows.codes >= 0
    deducted_hours = floats(deducted["deducted_hours"])

    def total(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(rows.codes[known], weights=weights, minlength=len(terms))

    out = terms.assign(
        spent_hours=total(rows.hours[known]),
        deducted_hours=total(deducted_hours[known]),
        entry_count=total(None).astype("int64"),
    )
    unknown = ~known & ~rows.no_ticket
    if unknown.any():
        groups = pd.DataFrame(
            {
                "ticket_uid": deducted["ticket_uid"].to_numpy()[unknown],
                "spent_hours": rows.hours[unknown],
                "deducted_hours": deducted_hours[unknown],
            }
        ).groupby("ticket_uid")
        extra = groups.sum().join(groups.size().rename("entry_count"))
        extra = extra.assign(ticket_rule="unknown_ticket", reestimated=False, late_reestimate=False)
        out = pd.concat([out, extra])
    out["absorbed_hours"] = out["spent_hours"] - out["deducted_hours"]
    out = out.rename(columns={"ticket_rule": "rule"})
    out["qualification_over_2h"] = out["rule"].isin(UNESTIMATED_RULES) & (
        out["spent_hours"] > qualification_limit_hours + EPS
    )
    out.index.name = "ticket_uid"
    columns = [
        "spent_hours",
        "deducted_hours",
        "absorbed_hours",
        "entry_count",
        "estimate_hours",
        "effective_estimate_hours",
        "cap_hours",
        "rule",
        "reestimated",
        "late_reestimate",
        "qualification_over_2h",
    ]
    return out[columns].reset_index()


def effective_estimates(tickets: pd.DataFrame, *, assume_validated: bool = True) -> pd.DataFrame:
    """Return, per ticket (index ``ticket_uid``), the estimate terms that need no entries.

    Columns: ``estimate_hours`` (original, > 0 or null), ``reestimate_hours`` (> 0 or
    null), ``effective_estimate_hours`` (accepted re-estimate, else validated estimate,
    else null), ``base_rule`` (the billing rule before lateness is known),
    ``reestimated`` and ``reestimate_day``.
    """
    require(tickets, _TICKET_COLUMNS, "tickets")
    uid = tickets["ticket_uid"]
    if uid.isna().any():
        raise ValueError("Tickets : identifiant de ticket vide (ticket_uid).")
    if uid.duplicated().any():
        duplicated = ", ".join(map(str, uid[uid.duplicated()].unique()[:5]))
        raise ValueError(f"Tickets : identifiant de ticket en double ({duplicated}).")
    estimate = floats(tickets["estimate_hours"])
    estimate = np.where(estimate > 0, estimate, np.nan)
    reestimate = floats(column_or_null(tickets, "reestimate_hours"))
    reestimate = np.where(reestimate > 0, reestimate, np.nan)
    status = _codes(column_or_null(tickets, "estimate_status"))
    re_status = _codes(column_or_null(tickets, "reestimate_status"))
    re_at = pd.to_datetime(column_or_null(tickets, "reestimated_at")).dt.normalize()

    has_estimate = ~np.isnan(estimate)
    validated = (status == EstimateStatus.VALIDATED) | (assume_validated & (status == ""))
    accepted = (re_status == ReestimateStatus.ACCEPTED) & ~np.isnan(reestimate)
    base_rule = np.select(
        [
            accepted,
            status == EstimateStatus.REFUSED,
            status == EstimateStatus.PENDING,
            ~has_estimate,
            ~validated,  # null status and assume_validated=False: not approved yet
            re_status == ReestimateStatus.REFUSED,
            re_status == ReestimateStatus.PENDING,
        ],
        [
            "reestimate_accepted",
            "estimate_refused",
            "estimate_pending",
            "no_estimate",
            "estimate_pending",
            "reestimate_refused",
            "reestimate_pending",
        ],
        default="estimate_cap",
    )
    effective = np.where(
        accepted, reestimate, np.where(np.isin(base_rule, CAPPED_RULES), estimate, np.nan)
    )
    return pd.DataFrame(
        {
            "estimate_hours": estimate,
            "reestimate_hours": reestimate,
            "effective_estimate_hours": effective,
            "base_rule": base_rule,
            "reestimated": ~np.isnan(reestimate) | (re_status != ""),
            "reestimate_day": re_at.to_numpy(),
        },
        index=pd.Index(uid.to_numpy(), name="ticket_uid"),
    )


def text_values(values: pd.Series) -> object:
    """Return what assigning ``values.to_numpy()`` to a frame gives, without the round trip.

    A text column holding a value becomes a "str" array by one Arrow cast (Python objects
    for every row cost more than the rest of a 200 000-ticket computation); anything else
    goes through ``to_numpy()`` as before (an all-null column stays ``object``).
    """
    if isinstance(values.dtype, pd.StringDtype) and values.notna().any():
        return pd.array(values.array, dtype="str")
    return values.to_numpy()


def spent_table(spent_by_ticket: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Normalise time spent per ticket to a frame indexed by ``ticket_uid``.

    Accepts a Series of hours indexed by ``ticket_uid``, or a frame with ``ticket_uid``
    (column or index) and ``spent_hours`` such as `ticket_billing`'s output. Columns:
    ``spent_hours``, ``has_entries`` (``entry_count`` > 0 when given, else a non-null
    spent), ``late_reestimate`` (nullable boolean: unknown for a Series) and ``rule``
    (nullable).
    """
    if isinstance(spent_by_ticket, pd.Series):
        frame = spent_by_ticket.rename("spent_hours").to_frame()
    else:
        frame = spent_by_ticket
        if "ticket_uid" in frame.columns:
            frame = frame.set_index("ticket_uid")
        require(frame, ("spent_hours",), "temps passé par ticket")
    spent = floats(frame["spent_hours"])
    if "entry_count" in frame.columns:
        has_entries = frame["entry_count"].fillna(0).to_numpy() > 0
    else:
        has_entries = ~np.isnan(spent)
    late = (
        frame["late_reestimate"].astype("boolean")
        if "late_reestimate" in frame.columns
        else pd.array([pd.NA] * len(frame), dtype="boolean")
    )
    rule = frame["rule"].astype("str") if "rule" in frame.columns else None
    return pd.DataFrame(
        {
            "spent_hours": spent,
            "has_entries": has_entries,
            "late_reestimate": pd.array(late, dtype="boolean"),
            "rule": pd.array(rule if rule is not None else [None] * len(frame), dtype="str"),
        },
        index=pd.Index(frame.index.to_numpy(), name="ticket_uid"),
    )


class _Rows(NamedTuple):
    """Time entries as arrays, tickets as positions in the tickets' index."""

    codes: np.ndarray  # position of the ticket in the tickets' index, -1 when none / unknown
    no_ticket: np.ndarray
    dates: np.ndarray  # datetime64[us] at midnight
    hours: np.ndarray

    @classmethod
    def of(cls, entries: pd.DataFrame, tickets: pd.Index) -> _Rows:
        ticket = entries["ticket_uid"]
        return cls(
            codes=positions_in(ticket, tickets),
            no_ticket=ticket.isna().to_numpy(),
            dates=pd.to_datetime(entries["date"]).dt.normalize().to_numpy("datetime64[us]"),
            hours=floats(entries["hours"]),
        )


def _terms(estimates: pd.DataFrame, rows: _Rows, margin: float) -> pd.DataFrame:
    """Return per ticket the rule, cap and lateness, given its entries (all of them count).

    Index ``ticket_uid``; columns ``estimate_hours``, ``effective_estimate_hours``,
    ``cap_hours`` (null when deducted as spent; 0 for a late refused re-estimate),
    ``ticket_rule``, ``reestimated``, ``late_reestimate`` and the `_late_since` columns.
    """
    return terms_at(_late_since(estimates, rows, margin), margin, None)


def _late_since(estimates: pd.DataFrame, rows: _Rows, margin: float) -> pd.DataFrame:
    """Return `effective_estimates` plus ``late_since``: the day a re-estimate became late.

    The first day, up to the re-estimate's own day, whose cumulative time spent on the
    ticket (every entry of that day included) is strictly over ``margin × E``; NaT when
    there is none (not late, whatever is logged after the re-estimate's day). Entries
    cut at any as-of date make the re-estimate late exactly when ``late_since <= as_of``.
    """
    known = rows.codes >= 0
    re_day = estimates["reestimate_day"].to_numpy("datetime64[us]")
    before = known & (rows.dates <= _per_entry(re_day, rows.codes, np.datetime64("NaT")))
    codes, days, hours = rows.codes[before], rows.dates[before], rows.hours[before]
    order = np.lexsort((days, codes))
    codes, days, hours = codes[order], days[order], hours[order]
    spent = pd.Series(hours).groupby(codes).cumsum().to_numpy()
    # The cumulative time through a day is the one at its last entry.
    last_of_day = np.append((codes[1:] != codes[:-1]) | (days[1:] != days[:-1]), True)
    estimate = estimates["estimate_hours"].to_numpy()
    threshold = np.where(np.isnan(estimate), np.inf, margin * estimate) + EPS
    eligible = estimates["reestimated"].to_numpy() & ~np.isnat(re_day)
    over = last_of_day & (spent > threshold[codes]) & eligible[codes]
    first = np.full(len(estimates), np.datetime64("NaT"), dtype="datetime64[us]")
    # Sorted by ticket then day: the first crossing of each ticket is its first row.
    crossing = np.flatnonzero(over)
    tickets, at = np.unique(codes[crossing], return_index=True)
    first[tickets] = days[crossing[at]]
    return estimates.assign(late_since=first)


def terms_at(terms: pd.DataFrame, margin: float, as_of: date | None) -> pd.DataFrame:
    """Return the tickets' rule, cap and lateness seen on ``as_of`` (None: every entry).

    ``terms`` holds `effective_estimates`' columns and ``late_since`` (`deduct_over_time`
    gives them). Seen on a day before ``late_since``, a re-estimate is not late yet: a
    refused one keeps the original cap, as `deduct` finds on the entries up to that day.
    """
    late_since = terms["late_since"].to_numpy("datetime64[us]")
    late = ~np.isnat(late_since)
    if as_of is not None:
        late &= late_since <= np.datetime64(pd.Timestamp(as_of).normalize(), "us")
    rule = terms["base_rule"].to_numpy()
    rule = np.where((rule == "reestimate_refused") & late, "late_reestimate_refused", rule)
    cap = np.where(
        np.isin(rule, CAPPED_RULES), (1 + margin) * terms["effective_estimate_hours"], np.nan
    )
    cap = np.where(rule == "late_reestimate_refused", 0.0, cap)
    return pd.DataFrame(
        {
            "estimate_hours": terms["estimate_hours"].to_numpy(),
            "effective_estimate_hours": terms["effective_estimate_hours"].to_numpy(),
            "cap_hours": cap,
            "ticket_rule": pd.array(rule, dtype="str"),
            "reestimated": terms["reestimated"].to_numpy(),
            "late_reestimate": late,
        },
        index=terms.index,
    )


def _check_entries(entries: pd.DataFrame, *, check_unique: bool = True) -> None:
    """Raise ValueError (French) on entries the rules cannot bill."""
    hours = floats(entries["hours"])
    uid = entries["entry_uid"]
    problems = []
    if np.isnan(hours).any():
        problems.append(f"{int(np.isnan(hours).sum())} saisie(s) sans durée")
    if (hours < 0).any():
        problems.append(f"{int((hours < 0).sum())} saisie(s) de durée négative")
    if pd.to_datetime(entries["date"]).isna().any():
        problems.append(f"{int(entries['date'].isna().sum())} saisie(s) sans date")
    missing = uid.isna().to_numpy()
    if missing.any():
        problems.append(f"{int(missing.sum())} saisie(s) sans identifiant (entry_uid)")
    elif check_unique and uid.duplicated().any():
        problems.append("identifiant de saisie (entry_uid) en double")
    if problems:
        raise ValueError(
            "Saisies de temps : attendu une date, une durée positive et un identifiant "
            "unique par saisie ; trouvé " + ", ".join(problems) + "."
        )


def _codes(values: pd.Series) -> np.ndarray:
    """Return status codes lower-cased and trimmed, ``""`` for nulls."""
    return values.astype("str").str.strip().str.lower().fillna("").to_numpy(dtype=object)


def _per_entry(per_ticket: np.ndarray, codes: np.ndarray, missing: object) -> np.ndarray:
    """Spread a per-ticket array over entries; entries of no known ticket (code -1) get
    ``missing`` (also when there is no ticket at all)."""
    padded = np.append(per_ticket, np.array([missing], dtype=per_ticket.dtype))
    return padded[np.where(codes >= 0, codes, len(per_ticket))]
