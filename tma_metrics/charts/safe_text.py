"""No markup from data in a chart: texts escaped on the way in, tags checked on the way out.

Two guards, because a figure mixes the builders' own markup (``<b>TMA-12</b><br>…``) with
texts from the files (ticket titles, keys, project and contract names):

- `escapes_data` wraps a chart builder: every text of its DataFrame and Series arguments
  is escaped for Plotly (`french.markup.escape_plotly`) before the builder writes it into
  titles, hovers, bar labels, legends or category axes. A title ``<b>x</b>`` then shows
  as typed, in bold nowhere.
- `safe_figure` runs on a finished figure where it is handed over (the page, the
  deck's image renderer): in every text it keeps only the builders' own tags
  (`french.markup.PLOTLY_TAGS`) and escapes any other (``<a href>``, ``<img>``,
  ``<span style>``…), whatever built the figure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tma_metrics.french.markup import escape_plotly, neutralise_plotly

__all__ = ["P", "escaped", "escapes_data", "safe_figure"]

P = ParamSpec("P")
#: Plotly's markup characters: a text without any of them is left as it is.
_MARKUP = r"[<>&]"
#: Layout parts that hold no text of ours or of the data (the template is Plotly's).
_SKIPPED = frozenset({"template"})


def escapes_data(builder: Callable[P, go.Figure]) -> Callable[P, go.Figure]:
    """Wrap a chart builder so the texts of its DataFrame and Series arguments are escaped."""

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        escaped_args = [escaped(value) for value in args]
        escaped_kwargs = {name: escaped(value) for name, value in kwargs.items()}
        return builder(*escaped_args, **escaped_kwargs)  # type: ignore[arg-type]

    build.escapes_data = True  # type: ignore[attr-defined]
    return build


def escaped(value: Any) -> Any:
    """Return a DataFrame or Series with its texts escaped for Plotly; anything else as is."""
    if isinstance(value, pd.DataFrame):
        changed = {}
        for i in range(value.shape[1]):
            column = value.iloc[:, i]
            new = _escaped_series(column)
            if new is not column:
                changed[i] = new
        if not changed:
            return value
        copy = value.copy(deep=False)
        for i, new in changed.items():
            copy.isetitem(i, new)
        return copy
    if isinstance(value, pd.Series):
        return _escaped_series(value)
    return value


def _holds_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype)) or series.dtype == object


def _escaped_series(series: pd.Series) -> pd.Series:
    """Escape the texts of one column, vectorised; numbers, dates and NA stay as they are."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if categories.dtype == object or isinstance(categories.dtype, pd.StringDtype):
            return series.cat.rename_categories([escape_plotly(c) for c in categories])
        return series
    if not _holds_text(series):
        return series
    if isinstance(series.dtype, pd.StringDtype):
        if not series.str.contains(_MARKUP, regex=True, na=False).any():
            return series
        return (
            series.str.replace("&", "&amp;", regex=False)
            .str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False)
        )
    # object columns may mix texts with other values: find the rows whose text shows
    # markup (vectorised), then escape only the texts among them
    marked = series.astype("string").str.contains(_MARKUP, regex=True, na=False)
    if not marked.any():
        return series
    changed = series.copy()
    changed[marked] = series[marked].map(_escaped_text)
    return changed


def _escaped_text(value: Any) -> Any:
    return escape_plotly(value) if isinstance(value, str) else value


def safe_figure(figure: go.Figure | dict[str, Any]) -> go.Figure | dict[str, Any]:
    """Return ``figure``, or a copy whose texts hold no tag but the builders' own.

    A figure may also be given as Plotly's dict; anything else is returned as it is, for
    the renderer to refuse.
    """
    if isinstance(figure, go.Figure):
        spec = figure.to_plotly_json()
    elif isinstance(figure, dict):
        spec = figure
    else:
        return figure
    changed: list[bool] = []
    safe = _neutralised(spec, changed)
    if not changed:
        return figure  # the usual case: the builder escaped its texts, no copy
    return go.Figure(safe, skip_invalid=False) if isinstance(figure, go.Figure) else safe


def _neutralised(value: Any, changed: list[bool]) -> Any:
    if isinstance(value, str):
        safe = neutralise_plotly(value)
        if safe != value:
            changed.append(True)
        return safe
    if isinstance(value, dict):
        return {k: v if k in _SKIPPED else _neutralised(v, changed) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_neutralised(v, changed) for v in value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return np.array([_neutralised(v, changed) for v in value.tolist()], dtype=object)
    return value
