"""The import errors a file can cause, and low-level parser errors turned into French.

All are `ImportFormatError` (the store turns them into a report with ``error`` set):
`LimitExceeded` (a bound of `limits` crossed, before or while parsing), `ParseFailed`
(a parser gave up: corrupt workbook, value out of Python's range, crash of the child)
and `AllRowsRejected` (read, but not one row kept). Messages never carry a parser's
English text, a traceback or a path of the server.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.french import formats as fr

__all__ = ["AllRowsRejected", "LimitExceeded", "ParseFailed", "all_rejected", "french", "in_french"]


class LimitExceeded(ImportFormatError):
    """A file crosses one of the bounds of `limits.Limits`; the message says which."""


class ParseFailed(ImportFormatError):
    """A parser could not read the file (the message says what was expected, in French)."""


class AllRowsRejected(ImportFormatError):
    """Every row read was rejected: nothing is imported and no import is recorded."""

    def __init__(self, message: str, *, rows_read: int, rejected: pd.DataFrame) -> None:
        super().__init__(message)
        self.rows_read = rows_read
        self.rejected = rejected


def all_rejected(rows_read: int, rejected: pd.DataFrame) -> AllRowsRejected:
    """Return the error for a file whose data rows were all rejected."""
    n = len(rejected)
    if n == 1 and rows_read == 1:
        head = "la seule ligne lue a été rejetée"
    elif n == rows_read:
        head = f"les {fr.number(n, 0)} lignes lues ont toutes été rejetées"
    else:
        head = (
            f"{fr.number(n, 0)} ligne(s) rejetée(s), les {fr.number(rows_read - n, 0)} autres "
            "ignorées (totaux, lignes de titre)"
        )
    reasons = rejected["reason"].astype("string").fillna("").str.split(" : ").str[0]
    common = reasons.value_counts().head(3)
    summary = ", ".join(f"{reason} ({fr.number(count, 0)})" for reason, count in common.items())
    first = rejected.sort_values("line", na_position="last").iloc[0]
    where = f"ligne {int(first['line'])} : " if pd.notna(first["line"]) else ""
    return AllRowsRejected(
        f"Aucune ligne importée : {head}. Motifs : {summary}. Premier rejet, {where}"
        f"{first['reason']}. Corrigez le fichier puis importez-le à nouveau.",
        rows_read=rows_read,
        rejected=rejected,
    )


def _panic(exc: BaseException) -> bool:
    """Return True for a Rust panic surfacing from python-calamine (a BaseException)."""
    return type(exc).__name__ == "PanicException"


def french(exc: BaseException) -> ImportFormatError:
    """Return the French import error standing for a parser's low-level exception."""
    if isinstance(exc, ImportFormatError):
        return exc
    if isinstance(exc, csv.Error) and "field larger than field limit" in str(exc):
        return LimitExceeded(
            "Champ trop long : attendu des champs de moins de "
            f"{fr.number(csv.field_size_limit(), 0)} caractères, trouvé un champ plus long "
            "(guillemet jamais refermé ?)."
        )
    if isinstance(exc, csv.Error):
        return ParseFailed(
            "CSV illisible : attendu des enregistrements séparés par des retours à la "
            "ligne, trouvé une structure que le lecteur CSV ne sait pas découper."
        )
    if isinstance(exc, OverflowError):
        return ParseFailed(
            "Valeur hors limites : attendu des dates et des durées plausibles, trouvé une "
            "valeur qui dépasse ce qu'un ordinateur sait représenter (une durée de "
            "milliards de jours ?)."
        )
    if _panic(exc):
        return ParseFailed(
            "Lecture impossible : le lecteur de classeurs s'est arrêté sur ce fichier "
            "(cellules démesurées ou fichier endommagé ?) ; enregistrez-le à nouveau depuis "
            "le tableur."
        )
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return LimitExceeded(
            "Fichier trop lourd à lire : sa lecture a dépassé la mémoire qui lui est "
            "allouée ; vérifiez qu'il ne contient pas de cellules très éloignées ou de "
            "colonnes par milliers."
        )
    if isinstance(exc, UnicodeError):
        return ParseFailed(
            "Encodage illisible : attendu un texte UTF-8, Windows-1252 ou UTF-16, trouvé "
            "des octets qu'aucun de ces encodages ne lit."
        )
    return ParseFailed(
        "Lecture impossible : le fichier n'a pas pu être lu (erreur inattendue du "
        f"lecteur, {type(exc).__name__}) ; vérifiez qu'il s'ouvre dans un tableur."
    )


@contextmanager
def in_french() -> Iterator[None]:
    """Turn any exception a parser raises inside the block into a French import error."""
    try:
        yield
    except ImportFormatError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        raise french(exc) from exc
