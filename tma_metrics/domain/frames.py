"""Column helpers shared by the pure money engines (billing, consumption, estimation)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["column_or_null", "floats", "midnight", "positions_in", "require"]


def require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ValueError (French) naming the columns of ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"Table « {what} » : colonnes attendues {', '.join(columns)} ; "
            f"manquantes : {', '.join(missing)}."
        )


def column_or_null(df: pd.DataFrame, name: str) -> pd.Series:
    """Return column ``name``, or an all-null column when ``df`` lacks it (optional columns)."""
    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def floats(values: pd.Series) -> np.ndarray:
    """Return ``values`` as float64, NaN for nulls (nullable ``Float64`` included)."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def midnight(value: date | pd.Timestamp) -> pd.Timestamp:
    """Return ``value`` as a Timestamp at midnight."""
    return pd.Timestamp(value).normalize()


def positions_in(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Return each value's position in ``index`` (-1 when absent), as ``get_indexer``.

    Text keys go through Arrow's hash lookup (five times faster on millions of rows).

    >>> positions_in(pd.Series(["b", None, "z"], dtype="string"), pd.Index(["a", "b"])).tolist()
    [1, -1, -1]
    """
    if len(values) and len(index):
        try:
            found = pc.index_in(pa.array(values.array), value_set=pa.array(index.to_numpy()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, TypeError):
            pass
        else:
            return found.fill_null(-1).to_numpy().astype(np.int64)
    return index.get_indexer(values)
