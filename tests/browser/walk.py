"""What the walk through the pages checks after every click: no exception, no cut label,
no raw value; and how it drives Streamlit's widgets and takes full-page screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.conftest import wait_idle

#: Text no page may show: Python/pandas missing values, English floats, ISO dates.
RAW_VALUES = re.compile(
    r"\b(None|nan|NaN|NaT)\b|<NA>|\b\d+\.\d{3,}\b|\b\d{4}-\d{2}-\d{2}\b|\bTrue\b|\bFalse\b"
)
#: Streamlit's own English placeholders that a page can replace (and must).
ENGLISH = ("Choose an option", "Choose options", "No results", "Press Enter to apply")

#: Measures every text of every Plotly chart against where it must fit: a legend entry
#: inside the legend's box, a bar or marker label inside its plot area, any other text
#: (title, axis labels, ticks) inside the chart. Returns what sticks out, in pixels.
MEASURE_CHARTS = """
() => {
  const out = [];
  const inside = (r, z) => r.left >= z.left - 1 && r.right <= z.right + 1
    && r.top >= z.top - 1 && r.bottom <= z.bottom + 1;
  document.querySelectorAll('.js-plotly-plot').forEach((plot) => {
    const box = plot.getBoundingClientRect();
    if (box.width === 0) return;  // in a hidden tab
    const title = (plot.querySelector('.gtitle')?.textContent || '').slice(0, 60);
    const legend = plot.querySelector('.legend .bg');
    const areas = [...plot.querySelectorAll('.draglayer .nsewdrag')]
      .map((e) => e.getBoundingClientRect());
    plot.querySelectorAll('text').forEach((t) => {
      const text = t.textContent.trim();
      const r = t.getBoundingClientRect();
      if (!text || r.width === 0) return;
      let zone = box, kind = 'graphique';
      if (legend && t.closest('.legend')) {
        zone = legend.getBoundingClientRect(); kind = 'légende';
      } else if (t.closest('.plot') && t.closest('.trace, .barlayer, .scatterlayer')) {
        const own = areas.filter((a) => r.left < a.right && r.right > a.left
          && r.top < a.bottom && r.bottom > a.top);
        if (own.length) { zone = own[0]; kind = 'étiquette'; }
      }
      if (!inside(r, zone)) out.push(`${title} — ${kind} « ${text.slice(0, 50)} » dépasse de `
        + [zone.left - r.left, r.right - zone.right, zone.top - r.top, r.bottom - zone.bottom]
          .map((v) => Math.max(0, Math.round(v))).join('/') + ' px (gauche/droite/haut/bas)');
    });
  });
  return out;
}
"""


def check(page, where: str) -> None:
    """Fail on an exception shown on the page, a page not found, or Streamlit's English."""
    wait_idle(page)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where} : {errors.first.inner_text()[:500]}"
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Page not found" not in main, where
    found = [e for e in ENGLISH if e in main]
    assert not found, f"{where} : texte anglais {found}"


def visible_text(page) -> str:
    """The main area's text, with what the data grids draw on their canvas (the grids
    keep an accessible copy of their visible cells)."""
    return page.locator('[data-testid="stMain"]').inner_text()


def raw_values(page) -> list[str]:
    """Return the raw values the page shows, each with some context."""
    text = visible_text(page)
    return [text[max(0, m.start() - 40) : m.end() + 20] for m in RAW_VALUES.finditer(text)]


def cut_texts(page) -> list[str]:
    """Return the chart texts that stick out of their box (see `MEASURE_CHARTS`)."""
    return page.evaluate(MEASURE_CHARTS)


def assert_presentable(page, where: str) -> None:
    """No exception, no raw value, no cut chart text."""
    check(page, where)
    assert raw_values(page) == [], f"{where} : valeurs brutes {raw_values(page)}"
    assert cut_texts(page) == [], f"{where} : textes coupés {cut_texts(page)}"


def full_screenshot(page, path: Path) -> None:
    """Save the whole page: Streamlit scrolls inside its own container, so the viewport
    is made as tall as the page for the shot, then put back to 1280 × 800."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 80, 16000)})
    wait_idle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 800})
    wait_idle(page)


def _open_list(page, label: str, option: str):
    """Open the list of the select labelled ``label``; return ``option`` in it.

    A click that lands while the page is redrawn is lost: try again once.
    """
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(2):
        wait_idle(page)
        page.get_by_role("combobox", name=label).first.click()
        try:
            wanted.wait_for(state="visible", timeout=5000)
            return wanted
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError(f"option « {option} » introuvable dans « {label} »")


def _pick(page, label: str, option: str) -> None:
    """Click ``option`` in the list of ``label``; open the list again if a redraw of
    the page closed it under the click (the option is detached, the click never lands)."""
    for attempt in range(3):
        found = _open_list(page, label, option)
        try:
            found.click(timeout=10_000)
            return
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    _pick(page, label, option)
    wait_idle(page)


def pick_many(page, label: str, option: str) -> None:
    """Add ``option`` to the multiselect labelled ``label``, then close its list."""
    _pick(page, label, option)
    page.keyboard.press("Escape")
    wait_idle(page)


def type_date(page, label: str, day: str, month: str, year: str) -> None:
    """Type a date into the date input labelled ``label`` (day, month, year fields)."""
    for part, value in (("day", day), ("month", month), ("year", year)):
        field = page.get_by_role("spinbutton", name=f"{part}, {label}").first
        field.click()
        page.keyboard.type(value)
    # Streamlit takes the date when the field loses focus; Tab stays inside the widget
    # (on its calendar button), so click the page's title.
    page.locator("h1").first.click()
    wait_idle(page)


def download(page, button: str, timeout: float = 120):
    """Click a download button and return the download."""
    with page.expect_download(timeout=timeout * 1000) as info:
        page.get_by_role("button", name=button).first.click()
    return info.value


def click_tabs(page, where: str, after=None) -> list[str]:
    """Click every tab of the page in turn, checking each; return their names."""
    names = [t.inner_text() for t in page.get_by_role("tab").all()]
    for name in names:
        page.get_by_role("tab", name=name, exact=True).first.click()
        wait_idle(page)
        assert_presentable(page, f"{where}, onglet {name}")
        if after is not None:
            after(name)
    return names


def click_grid_row(page, grid_index: int, row: int) -> None:
    """Click the selection box of a data grid's row (0 = first data row)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(grid_index)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    header = 35  # Streamlit's grid: one 35 px header row, 35 px data rows
    page.mouse.click(box["x"] + 16, box["y"] + header + 35 * row + 17)
    wait_idle(page)
