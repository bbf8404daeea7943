"""The detection table: every signature is reachable, every tool choice exists."""

from __future__ import annotations

import pytest

from tma_metrics.sources import SOURCE_CHOICES
from tma_metrics.sources.adapters import ADAPTERS
from tma_metrics.sources.detect import detect, pick_header

SIGNATURES = [(a, s) for a in ADAPTERS for s in a.signatures]


def first_alias(adapter_fields: dict, field: str) -> str:
    return next(iter(adapter_fields[field].values()))[0]


@pytest.mark.parametrize(
    ("adapter", "signature"),
    SIGNATURES,
    ids=[f"{a.id}:{s.variant}:{'+'.join(s.required)}" for a, s in SIGNATURES],
)
def test_each_signature_is_reachable(adapter: object, signature: object) -> None:
    header = [first_alias(adapter.fields, f) for f in signature.required]
    found = detect(header, signature.choice or adapter.id)
    assert found is not None and found.adapter.id == adapter.id


def test_every_tool_choice_has_a_signature() -> None:
    choices = {s.choice or a.id for a, s in SIGNATURES}
    assert choices == set(SOURCE_CHOICES) - {"auto"}


@pytest.mark.parametrize(
    ("header", "adapter"),
    [
        (["Date", "User", "Activity", "Issue", "Comment", "Hours"], "redmine"),
        (["Date", "Personne", "Heures", "Demande"], "canonical"),
        (["Issue key", "Summary", "Status"], "jira"),
        (["Issue Key", "Hours", "Work date"], "tempo"),
        (["Issue", "Author", "Started", "Time spent"], "jira-worklog"),
        (["ID", "Titre", "Date d'ouverture"], "glpi"),
        (["Date", "From", "To", "Duration"], "kimai"),
        (["Date", "Client", "Project", "Task", "Notes", "Hours"], "harvest"),
        (["Start Date", "Start Time", "Duration (h)"], "clockify"),
        (["Issue ID", "URL", "Created At (UTC)"], "gitlab"),
        (["Id", "Created at", "Solved at"], "zendesk"),
        (["Id", "Reporter", "Date Submitted", "View Status"], "mantis"),
        (["Clé", "Titre", "Créé le"], "canonical"),
    ],
    ids=lambda v: v if isinstance(v, str) else "+".join(v)[:30],
)
def test_headers_go_to_the_right_adapter(header: list[str], adapter: str) -> None:
    found = detect(header)
    assert found is not None and found.adapter.id == adapter


def test_the_header_is_searched_below_a_title_block() -> None:
    records = [["Relevé", "", ""], ["", "", ""], ["Date", "Utilisateur", "Heures"], ["1", "Z", "2"]]
    index, found = pick_header(records)
    assert index == 2 and found is not None and found.adapter.id == "redmine"
