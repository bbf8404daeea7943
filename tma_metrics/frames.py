"""Column helpers shared by the pure money engines (billing, consumption, estimation)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd


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
