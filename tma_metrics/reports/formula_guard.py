"""Formula injection guard for exported text (OWASP "CSV injection").

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a leading TAB or CR can hide one), so an exported ticket title such as
``=HYPERLINK("http://evil", "clic")`` would run on the reader's machine. Only *text*
is concerned: a real negative number stays a number. The full-width forms
(``＝＋－＠``) are included because some spreadsheet locales convert them.

- Excel (``.xlsx``): the cell is written as a string with the ``quotePrefix`` style, so
  it displays the original text, unchanged, and stays text even when edited.
- CSV: the text is prefixed with an apostrophe ``'`` (OWASP's advice); Excel shows the
  apostrophe, which is the price of a file that cannot run anything when opened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["TRIGGERS", "formula_like", "guard_csv"]

#: First characters that make a spreadsheet read a cell as a formula.
TRIGGERS = "=+-@\t\r＝＋－＠"
_PATTERN = "[" + "".join("\\" + c if c in "-\\]^" else c for c in TRIGGERS) + "]"


def formula_like(texts: pd.Series) -> np.ndarray:
    """Return a boolean mask of the texts a spreadsheet would read as a formula.

    >>> formula_like(pd.Series(["=1+1", "-5", "ok", None, "\\t=cmd", "a=b"])).tolist()
    [True, True, False, False, True, False]
    """
    return texts.astype(object).str.match(_PATTERN, na=False).to_numpy(dtype=bool)


def guard_csv(texts: pd.Series) -> pd.Series:
    """Prefix formula-like texts with an apostrophe so they stay text.

    >>> guard_csv(pd.Series(["=1+1", "+33 6 12", "Paris", None], dtype=object)).tolist()
    ["'=1+1", "'+33 6 12", 'Paris', None]
    """
    guarded = texts.astype(object).copy()
    mask = formula_like(guarded)
    guarded[mask] = "'" + guarded[mask]
    return guarded
