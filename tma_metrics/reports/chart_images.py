"""Plotly figures as PNG images, rendered by kaleido 1.x in a headless Chromium.

Kaleido 1.x drives a real browser. We use the system one (Debian's ``chromium``) and
keep it running for the life of the process: starting Chromium takes seconds, a chart
then takes a fraction of a second. The browser lives on a private asyncio loop in a
daemon thread, so the callers (Streamlit threads, the CLI, tests) stay synchronous,
and it is closed when the process exits.

The machine may have no network: MathJax (fetched from a CDN by default) is disabled,
plotly.js comes from the installed ``plotly`` package, and Chromium is started with
its background networking turned off.

Any failure (no browser, a browser that dies, a render that times out) raises a
:class:`ChartRenderError` whose message is French and can be shown as is.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import threading
from collections.abc import Coroutine, Sequence
from typing import Any

import plotly.graph_objects as go

from tma_metrics.charts.safe_text import safe_figure
from tma_metrics.config import settings
from tma_metrics.errors import RenderError

__all__ = [
    "BROWSER_CANDIDATES",
    "EXTRA_FLAGS",
    "RENDER_TIMEOUT_S",
    "START_TIMEOUT_S",
    "ChartRenderError",
    "browser_process_id",
    "figure_png",
    "find_browser",
    "shutdown",
]

#: Where we look for Chromium, after the ``BROWSER_PATH`` environment variable
#: (the variable kaleido's browser driver, choreographer, already honours).
BROWSER_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
#: Flags added to those choreographer passes (it already sets --headless, --no-sandbox,
#: --disable-gpu, --disable-component-update, --disable-sync, --no-first-run...).
EXTRA_FLAGS = (
    "--disable-background-networking",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--mute-audio",
    "--hide-scrollbars",
)
#: Seconds allowed to start the browser, and to render one chart.
START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 30.0


class ChartRenderError(RenderError):
    """A chart could not be turned into an image (message in French)."""


def find_browser() -> str | None:
    """Return the Chromium executable to use, or None when there is none."""
    override = settings().browser_path
    if override:
        return str(override) if override.is_file() else None
    for candidate in BROWSER_CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def figure_png(fig: go.Figure, *, width: int = 1200, height: int = 600, scale: float = 1) -> bytes:
    """Render a Plotly figure as PNG bytes of ``width × scale`` by ``height × scale`` pixels.

    Raises
    ------
    ChartRenderError
        When Chromium is missing, fails to start, or the render fails or times out.
    """
    if width <= 0 or height <= 0 or scale <= 0:
        raise ValueError(f"Taille d'image invalide : {width} × {height} (échelle {scale}).")
    opts = {"format": "png", "width": int(width), "height": int(height), "scale": scale}
    return _RENDERER.render(safe_figure(fig), opts)


def shutdown() -> None:
    """Close the cached browser (it is restarted by the next render)."""
    _RENDERER.close()


def browser_process_id() -> int | None:
    """Return the PID of the cached browser process (diagnostics and tests)."""
    return _RENDERER.pid()


class _Renderer:
    """One kaleido browser per process, on its own event loop thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None

    def render(self, fig: go.Figure, opts: dict[str, Any]) -> bytes:
        kaleido = self._started()
        try:
            return self._run(kaleido.calc_fig(fig, opts=opts), RENDER_TIMEOUT_S + 5)
        except TimeoutError as exc:
            self.close()  # a stuck browser is replaced by the next render
            raise ChartRenderError(
                f"Le graphique n'a pas pu être rendu en {RENDER_TIMEOUT_S:.0f} s."
            ) from exc
        except Exception as exc:
            if not _figure_fault(exc):
                self.close()  # the browser itself failed: start a new one next time
            raise ChartRenderError(f"Le rendu du graphique a échoué : {exc}") from exc

    def pid(self) -> int | None:
        process = getattr(self._kaleido, "subprocess", None)
        return getattr(process, "pid", None)

    def close(self) -> None:
        with self._lock:
            kaleido, self._kaleido = self._kaleido, None
            if kaleido is not None and self._loop is not None:
                # Closing is best effort: the browser process may already be gone.
                with contextlib.suppress(Exception):
                    self._run(kaleido.close(), 15)

    def _started(self) -> Any:
        with self._lock:
            if self._kaleido is not None:
                return self._kaleido
            path = find_browser()
            if path is None:
                where = settings().browser_path or "/usr/bin/chromium"
                raise ChartRenderError(
                    f"Chromium est introuvable ({where}) : les graphiques ne peuvent pas "
                    "être convertis en images. Installez-le (« apt-get install chromium ») "
                    "ou indiquez son chemin dans la variable BROWSER_PATH."
                )
            try:
                import kaleido  # heavy, and only needed here
            except ImportError as exc:
                raise ChartRenderError(
                    "Le module kaleido n'est pas installé : les graphiques ne peuvent pas "
                    "être convertis en images."
                ) from exc
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(
                    target=self._loop.run_forever, name="kaleido-loop", daemon=True
                ).start()
                atexit.register(self.close)

            async def start() -> Any:
                browser = kaleido.Kaleido(
                    path=path,
                    browser_cls=_quiet_chromium_class(),
                    mathjax=False,  # the CDN copy cannot be fetched offline
                    timeout=RENDER_TIMEOUT_S,
                )
                await browser.open()
                return browser

            try:
                self._kaleido = self._run(start(), START_TIMEOUT_S)
            except TimeoutError as exc:
                raise ChartRenderError(
                    f"Chromium ({path}) n'a pas démarré en {START_TIMEOUT_S:.0f} s : "
                    "les graphiques ne peuvent pas être convertis en images."
                ) from exc
            except Exception as exc:
                raise ChartRenderError(
                    f"Chromium ({path}) n'a pas pu démarrer pour rendre les graphiques : "
                    f"{_first_line(exc)}"
                ) from exc
            return self._kaleido

    def _run(self, coroutine: Coroutine[Any, Any, Any], timeout: float) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise


def _quiet_chromium_class() -> type:
    """Return choreographer's Chromium launcher with our extra offline flags."""
    from choreographer.browsers.chromium import Chromium  # kaleido's browser driver

    class QuietChromium(Chromium):
        def get_cli(self) -> Sequence[str]:
            return [*super().get_cli(), *EXTRA_FLAGS]

    return QuietChromium


def _figure_fault(exc: Exception) -> bool:
    """Tell whether an error comes from the figure (the browser is still fine)."""
    from kaleido.errors import JavascriptError, KaleidoError

    return isinstance(exc, KaleidoError | JavascriptError | TypeError | ValueError)


def _first_line(exc: BaseException) -> str:
    """Return the gist of an error (choreographer's carry several paragraphs of advice)."""
    text = str(exc.args[0]) if exc.args else ""
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


_RENDERER = _Renderer()
