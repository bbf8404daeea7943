"""Every address of the app answers each role: its page, a login form or a French refusal."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tma_metrics.ui import frame

ALL_PATHS = {row[4] for row in frame.PAGE_TABLE} | {"connexion"}

# Pages are built inside a script run (st.Page needs one); the registry is printed back.
SCRIPT = """
import json

import streamlit as st

from tma_metrics.auth.principal import Principal, Role
from tma_metrics.ui import frame

who = {who!r}
principals = {{
    "manager": Principal("alice", "Alice", Role.MANAGER, None),
    "pm": Principal("paul", "Paul", Role.PM, ("Beta",)),
    "client": Principal("claire", "Claire", Role.CLIENT, ("Alpha",)),
}}
sections = frame.public_pages() if who == "anonymous" else frame.pages(principals[who])
found = {{
    page._url_path: [not callable(page._page), page.visibility == "visible"]
    for pages in sections.values()
    for page in pages
}}
st.text(json.dumps(found))
"""


@pytest.mark.parametrize(
    ("who", "real"),
    [
        ("anonymous", {"solde-rapide", "connexion"}),
        ("manager", ALL_PATHS),
        ("pm", ALL_PATHS - {"sources"}),
        ("client", ALL_PATHS - {"portefeuille", "import", "contrats", "sources"}),
    ],
    ids=["anonymous", "manager", "pm", "client"],
)
def test_every_address_is_registered_for_every_role(who: str, real: set[str]) -> None:
    at = AppTest.from_string(SCRIPT.format(who=who), default_timeout=30)
    at.run()
    assert not at.exception
    found = json.loads(at.text[0].value)
    assert set(found) == ALL_PATHS  # nothing left to Streamlit's English « Page not found »
    assert {path for path, (is_file, _) in found.items() if is_file} == real
    assert not any(shown for is_file, shown in found.values() if not is_file)  # hidden
