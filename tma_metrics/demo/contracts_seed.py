"""The demo's contracts file, dated from the end of the demo data.

``data/contracts.toml`` (tracked) is `demo_contracts_text` at `DEFAULT_END`; the app's
first start writes the same text for its own end date beside its database, so the
carnets always match the generated exports (see `demo.first_start`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tma_metrics.demo.scenario import ClientStory, stories
from tma_metrics.domain.contracts.model import default_end

__all__ = ["MONTH_DAYS", "TEMPLATE", "demo_contracts_text"]

TEMPLATE = Path(__file__).with_name("contracts_template.toml")
#: Average length of a month in days, for the burn rate written in the comments.
MONTH_DAYS = 30.44


def _fr(value: float) -> str:
    """A number of days as the comments write it: ``6``, ``2,5``."""
    return f"{value:g}".replace(".", ",")


def _story_facts(alpha: ClientStory, beta: ClientStory, gamma: ClientStory) -> dict[str, str]:
    first, second = alpha.carnets
    (b,) = beta.carnets
    (g,) = gamma.carnets
    unused = first.days - first.consumed_days
    facts: dict[str, object] = {
        "a1_start": first.start,
        "a1_end": first.end,
        "a1_days": first.days,
        "a2_start": second.start,
        "a2_end": default_end(second.start),
        "a2_days": second.days,
        "a_unused": unused,
        "a_remaining": second.days + unused - second.consumed_days,
        "b_start": b.start,
        "b_end": default_end(b.start),
        "b_days": b.days,
        "b_remaining": b.days - b.consumed_days,
        "b_rate": round(b.consumed_days / ((beta.end - b.start).days / MONTH_DAYS)),
        "g_start": g.start,
        "g_end": default_end(g.start),
        "g_days": g.days,
        "g_remaining": g.days - g.consumed_days,
    }
    out: dict[str, str] = {}
    for name, value in facts.items():
        if isinstance(value, date):
            out[name] = f"{value:%Y-%m-%d}"
            out[f"{name}_fr"] = f"{value:%d/%m/%Y}"
        else:
            out[name] = _fr(float(value))
            out[f"{name}_en"] = f"{float(value):g}"
            out[f"{name}_toml"] = f"{float(value):g}"
    return out


def demo_contracts_text(end: date) -> str:
    """Return the demo's contracts file for exports taken on ``end``."""
    facts = _story_facts(*stories(end))
    return TEMPLATE.read_text(encoding="utf-8").format(
        end=f"{end:%Y-%m-%d}", end_fr=f"{end:%d/%m/%Y}", **facts
    )
