"""Texts from a file shown as text: escaped for Streamlit's Markdown and Plotly's HTML.

A ticket title, a ticket key, a file name, a CSV header or a contract name may hold
markup (``<a href=…>``, ``![x](http://…)``, ``**gras**``, ``$x$``). Every such text is
escaped where it is handed to something that interprets markup:

- `escape_markdown` for the texts of Streamlit's Markdown-capable elements (``st.error``,
  ``st.caption``, ``st.markdown``, titles, labels, expanders). Streamlit renders GitHub
  Markdown plus LaTeX (``$…$``), coloured directives (``:red[…]``) and icons
  (``:material/…:``), and turns bare addresses (``http://…``, ``www.…``, e-mail) into
  links even when their punctuation is backslash-escaped: those get an invisible word
  joiner that cuts them.
- `escape_plotly` for the texts a chart builder writes into a figure: Plotly renders a
  subset of HTML (``<b>``, ``<i>``, ``<a href>``, ``<span style>``...) and decodes
  entities, so ``&``, ``<`` and ``>`` become entities and display unchanged.
- `neutralise_plotly` for a finished figure's texts, where the builders' own tags
  (`PLOTLY_TAGS`) stay and any other tag or bare ``&`` is escaped; it leaves escaped
  text as it is, so it can run after `escape_plotly`.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "PLOTLY_TAGS",
    "WORD_JOINER",
    "escape_markdown",
    "escape_plotly",
    "neutralise_plotly",
    "plotly_to_plain",
]

#: Characters that are Markdown (or Streamlit's extensions) wherever they stand.
_MARKDOWN_ANYWHERE = re.compile(r"([\\`*_\[\]<>$~|&])")
#: Characters that open a block (heading, quote, list, rule) at the start of a line.
_MARKDOWN_LINE_START = re.compile(r"(?m)^([ \t]*)(\d*)([#+\-=.)])")
#: Bare addresses GitHub Markdown links by itself (after escapes are resolved).
_WWW = re.compile(r"(?i)\b(www)(\\?\.)")
_EMAIL_AT = "@"
#: GitHub Markdown links ``http://host.tld`` even with its colon escaped, and Streamlit
#: swaps ``:material/…:``, ``:streamlit:`` and ``:red[…]`` for icons and colours: a colon
#: glued to what follows gets a word joiner (« Solde : 3 j » is left as it is).
_GLUED_COLON = re.compile(r":(?=\S)")
#: Invisible, no line break: cuts an address so no autolink sees it.
WORD_JOINER = "\u2060"

#: The tags our chart builders write themselves; any other tag in a figure is data.
PLOTLY_TAGS = ("<br>", "<b>", "</b>", "<extra>", "</extra>")
_PLOTLY_TAG = re.compile(r"<[^<>]*>?")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def escape_markdown(text: object) -> str:
    r"""Return ``text`` so that Streamlit's Markdown shows it as it is, markup included.

    >>> escape_markdown("**gras** [lien](http://evil) $x$").replace(WORD_JOINER, "")
    '\\*\\*gras\\*\\* \\[lien\\](http://evil) \\$x\\$'
    >>> escape_markdown("Alpha - Mairie de Valbonne-sur-Loire, 22/11/2026")
    'Alpha - Mairie de Valbonne-sur-Loire, 22/11/2026'
    """
    escaped = _MARKDOWN_ANYWHERE.sub(r"\\\1", str(text))
    escaped = _MARKDOWN_LINE_START.sub(_line_start, escaped)
    escaped = _GLUED_COLON.sub(f":{WORD_JOINER}", escaped)
    escaped = _WWW.sub(rf"\1{WORD_JOINER}\2", escaped)
    return escaped.replace(_EMAIL_AT, _EMAIL_AT + WORD_JOINER)


def _line_start(match: re.Match[str]) -> str:
    indent, digits, mark = match.groups()
    if digits and mark not in ".)":
        return match.group(0)  # « 12-14 » opens no list
    return f"{indent}{digits}\\{mark}"


def escape_plotly(text: object) -> str:
    """Return ``text`` with Plotly's markup characters as entities (shown unchanged).

    >>> escape_plotly('<a href="http://evil">R&D</a>')
    '&lt;a href="http://evil"&gt;R&amp;D&lt;/a&gt;'
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise_plotly(text: str) -> str:
    """Escape every tag but `PLOTLY_TAGS`, and every ``&`` that starts no entity.

    >>> neutralise_plotly("<b>12</b><br><a href='http://evil'>x</a> &amp; R&D")
    "<b>12</b><br>&lt;a href='http://evil'&gt;x&lt;/a&gt; &amp; R&amp;D"
    """
    if "<" not in text and ">" not in text and "&" not in text:
        return text
    parts = []
    last = 0
    for match in _PLOTLY_TAG.finditer(text):
        parts.append(_plain(text[last : match.start()]))
        tag = match.group(0)
        parts.append(tag if tag in PLOTLY_TAGS else escape_plotly(tag))
        last = match.end()
    parts.append(_plain(text[last:]))
    return "".join(parts)


def _plain(text: str) -> str:
    """Escape a stretch without tags: ``>`` and the ``&`` that start no entity."""
    kept = []
    last = 0
    for match in _ENTITY.finditer(text):
        kept.append(escape_plotly(text[last : match.start()]))
        kept.append(match.group(0))
        last = match.end()
    kept.append(escape_plotly(text[last:]))
    return "".join(kept)


def plotly_to_plain(text: str) -> str:
    """Return a figure's text as plain text: line breaks as spaces, no tag, no entity.

    >>> plotly_to_plain("Solde <b>12,5 j</b><br>&lt;b&gt;x&lt;/b&gt;")
    'Solde 12,5 j <b>x</b>'
    """
    spaced = text.replace("<br>", " ")
    return html.unescape(_PLOTLY_TAG.sub("", spaced))
