"""Texts from files shown as text: Markdown and Plotly escaping, checked against naive readers."""

from __future__ import annotations

import html
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tma_metrics.french.markup import (
    PLOTLY_TAGS,
    WORD_JOINER,
    escape_markdown,
    escape_plotly,
    neutralise_plotly,
    plotly_to_plain,
)

#: The hostile strings of the audit (issue 12, finding 7) and their cousins.
HOSTILE = {
    "bold-html": "<b>x</b>",
    "link-html": '<a href="http://evil">x</a>',
    "image-md": "![x](http://evil/x.png)",
    "link-md": "[lien](http://evil)",
    "bold-md": "**gras**",
    "math": "$x$",
    "code": "`code` ```bloc```",
    "script": "<script>alert(1)</script>",
    "autolink": "<http://evil> www.evil.example a@evil.example",
    "icons": ":material/delete: :red[rouge] :streamlit:",
    "entities": "&lt;b&gt; &#60;b&#62; &amp;",
    "blocks": "# titre\n- item\n1. un\n2) deux\n> cite\n---\n===",
    "table": "a|b\n-|-\n1|2",
    "strike-underscore": "~~barré~~ __gras__ _it_",
    "backslash": "C:\\chemin\\x \\*",
}

#: What CommonMark lets a backslash escape: every ASCII punctuation character.
_ESCAPED = re.compile(r"\\([" + re.escape(string.punctuation) + "])")


def unescape_markdown(text: str) -> str:
    """Naive reader: resolve backslash escapes, drop word joiners (as a browser shows it)."""
    return _ESCAPED.sub(r"\1", text).replace(WORD_JOINER, "")


def unescaped_specials(text: str) -> list[str]:
    """The Markdown characters of ``text`` that no backslash protects."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "`*_[]<>$~|&":
            found.append(text[i])
        # a colon glued to a word or a slash opens an address or a shortcode
        glued = i + 1 < len(text) and not text[i + 1].isspace() and text[i + 1] != WORD_JOINER
        if text[i] == ":" and glued:
            found.append(":")
        i += 1
    return found


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_markdown_escape_shows_the_text_unchanged(text: str) -> None:
    escaped = escape_markdown(text)
    assert unescape_markdown(escaped) == text
    assert unescaped_specials(escaped) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alpha - Mairie de Valbonne-sur-Loire", "Alpha - Mairie de Valbonne-sur-Loire"),
        ("12,5 j au 22/11/2026, 45 %", "12,5 j au 22/11/2026, 45 %"),
        ("- item", "\\- item"),
        ("12-14 ok", "12-14 ok"),
        ("1. un", "1\\. un"),
        ("www.evil.example", f"www{WORD_JOINER}.evil.example"),
        ("a@evil.example", f"a@{WORD_JOINER}evil.example"),
        (":material/delete:", f":{WORD_JOINER}material/delete:"),
        ("Solde : 3 j", "Solde : 3 j"),
        ("http://evil.example", f"http:{WORD_JOINER}//evil.example"),
    ],
    ids=[
        "dash-inside",
        "french-figures",
        "list",
        "range",
        "ordered",
        "www",
        "email",
        "icon",
        "french-colon",
        "url",
    ],
)
def test_markdown_escape_touches_only_what_is_markup(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


@settings(deadline=None, max_examples=300)
@given(st.text())
def test_markdown_escape_is_lossless_and_leaves_no_markup(text: str) -> None:
    escaped = escape_markdown(text)
    assert unescape_markdown(escaped) == text.replace(WORD_JOINER, "")
    assert unescaped_specials(escaped) == []
    # what the autolinks and Streamlit's icons see once the escapes are resolved
    resolved = _ESCAPED.sub(r"\1", escaped)
    assert ":material/" not in escaped and ":material/" not in resolved
    assert not re.search(r"(?i)(://|www\.|@\w)", resolved)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_plotly_escape_leaves_no_tag_and_displays_the_text(text: str) -> None:
    escaped = escape_plotly(text)
    assert "<" not in escaped and ">" not in escaped
    assert html.unescape(escaped) == text


@settings(deadline=None, max_examples=300)
@given(st.text())
def test_plotly_escape_round_trips(text: str) -> None:
    escaped = escape_plotly(text)
    assert "<" not in escaped and ">" not in escaped
    assert html.unescape(escaped) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>TMA-12</b><br>Décompté : 3 h", "<b>TMA-12</b><br>Décompté : 3 h"),
        ("%{hovertext}<extra></extra>", "%{hovertext}<extra></extra>"),
        ('<a href="http://evil">x</a>', '&lt;a href="http://evil"&gt;x&lt;/a&gt;'),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        (
            "<span style='font-size:80px'>x</span>",
            "&lt;span style='font-size:80px'&gt;x&lt;/span&gt;",
        ),
        ("<B>x</B>", "&lt;B&gt;x&lt;/B&gt;"),
        ("a < b > c", "a &lt; b &gt; c"),
        ("R&D &amp; &#60; &lt;", "R&amp;D &amp; &#60; &lt;"),
    ],
    ids=["own-tags", "template", "link", "image", "style", "upper-case", "bare", "entities"],
)
def test_neutralise_keeps_only_the_builders_tags(text: str, expected: str) -> None:
    assert neutralise_plotly(text) == expected


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from([*"<>&/ab =#;", *PLOTLY_TAGS, "<a href=x>", "&lt;"])).map("".join))
def test_neutralise_is_idempotent_and_leaves_only_allowed_tags(text: str) -> None:
    once = neutralise_plotly(text)
    assert neutralise_plotly(once) == once
    tags = re.findall(r"<[^<>]*>?", once)
    assert set(tags) <= set(PLOTLY_TAGS)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_escaped_plotly_text_survives_neutralising(text: str) -> None:
    assert neutralise_plotly(escape_plotly(text)) == escape_plotly(text)


def test_plain_text_of_a_title() -> None:
    title = f"<b>Solde</b> de {escape_plotly('<a href=x>Ville</a>')}<br>12,5 j"
    assert plotly_to_plain(title) == "Solde de <a href=x>Ville</a> 12,5 j"
