"""Who sees which contracts: each role, unknown names, the login mode and the address."""

from __future__ import annotations

import pytest

from tests.auth.conftest import CONTRACTS
from tma_metrics.auth.mode import decide_mode, is_loopback
from tma_metrics.auth.principal import (
    LOCAL_MANAGER,
    Principal,
    Role,
    allowed_contracts,
    can_edit_contracts,
    can_import,
    sees_internal,
    unknown_contract_names,
)

ALL = ("Mairie de Lyon", "CHU Nantes", "Transports Lille")


def naive_allowed(role: str, assigned: tuple[str, ...] | None) -> list[str]:
    """Recompute the allowed names by hand: a manager sees all, others their own list."""
    names = []
    for contract in CONTRACTS:
        if role == "manager":
            names.append(contract.name)
            continue
        for name in assigned or ():
            if name == contract.name:
                names.append(contract.name)
                break
    return names


@pytest.mark.parametrize(
    ("role", "assigned", "expected"),
    [
        ("manager", None, ALL),
        ("pm", ("Mairie de Lyon", "Transports Lille"), ("Mairie de Lyon", "Transports Lille")),
        ("pm", ("Transports Lille", "Mairie de Lyon"), ("Mairie de Lyon", "Transports Lille")),
        ("pm", (), ()),
        ("client", ("CHU Nantes",), ("CHU Nantes",)),
        ("client", ("CHU Nantes", "Clinique Inconnue"), ("CHU Nantes",)),
        ("client", ("Clinique Inconnue",), ()),
        ("client", ("chu nantes",), ()),
        ("pm", ("Mairie de Lyon", "Mairie de Lyon"), ("Mairie de Lyon",)),
    ],
    ids=[
        "manager-sees-all",
        "pm-sees-assigned",
        "pm-keeps-file-order",
        "pm-without-contract-sees-none",
        "client-sees-own",
        "unknown-name-ignored",
        "only-unknown-names-sees-none",
        "names-are-exact-not-case-folded",
        "duplicate-assignment-counted-once",
    ],
)
def test_allowed_contracts(
    role: str, assigned: tuple[str, ...] | None, expected: tuple[str, ...]
) -> None:
    principal = Principal("u", "U", Role(role), assigned)
    names = tuple(c.name for c in allowed_contracts(principal, CONTRACTS))
    assert names == expected
    assert list(names) == naive_allowed(role, assigned)


def test_unknown_contract_names_are_reported_for_whoever_edits_the_files() -> None:
    client = Principal("c", "C", Role.CLIENT, ("CHU Nantes", "Clinique Inconnue"))
    assert unknown_contract_names(client, CONTRACTS) == ("Clinique Inconnue",)
    assert unknown_contract_names(LOCAL_MANAGER, CONTRACTS) == ()


@pytest.mark.parametrize(
    ("role", "internal", "imports", "edits"),
    [
        ("manager", True, True, True),
        ("pm", True, True, False),
        ("client", False, False, False),
    ],
    ids=["manager", "pm", "client"],
)
def test_permissions_per_role(role: str, internal: bool, imports: bool, edits: bool) -> None:
    principal = Principal("u", "U", Role(role), None if role == "manager" else ())
    assert sees_internal(principal) is internal
    assert can_import(principal) is imports
    assert can_edit_contracts(principal) is edits


@pytest.mark.parametrize(
    ("role", "contracts"),
    [("manager", ()), ("manager", ("A",)), ("pm", None), ("client", None), ("admin", None)],
    ids=["manager-with-list", "manager-with-names", "pm-without-list", "client-all", "bad-role"],
)
def test_a_principal_that_would_widen_access_is_refused(
    role: str, contracts: tuple[str, ...] | None
) -> None:
    with pytest.raises(ValueError, match=r"Rôle inconnu|tous les contrats"):
        Principal("u", "U", role, contracts)  # type: ignore[arg-type]


def test_a_role_given_as_text_becomes_a_role() -> None:
    principal = Principal("u", "U", "client", ["A"])  # type: ignore[arg-type]
    assert principal.role is Role.CLIENT
    assert principal.contracts == ("A",)


def test_local_mode_user_is_an_implicit_manager() -> None:
    assert LOCAL_MANAGER.role is Role.MANAGER
    assert allowed_contracts(LOCAL_MANAGER, CONTRACTS) == CONTRACTS


@pytest.mark.parametrize(
    ("oidc", "count", "broken", "exists", "expected"),
    [
        (False, 0, False, False, "local"),
        (False, 3, False, True, "password"),
        (False, 0, True, True, "password"),
        (False, 0, False, True, "password"),
        (True, 0, False, False, "oidc"),
        (True, 3, False, True, "oidc"),
        (True, 0, True, True, "oidc"),
    ],
    ids=[
        "no-users-file-local",
        "users-password",
        "broken-file-stays-closed",
        "file-without-users-stays-closed",
        "oidc-without-users",
        "oidc-wins-over-password",
        "oidc-with-broken-file",
    ],
)
def test_decide_mode(oidc: bool, count: int, broken: bool, exists: bool, expected: str) -> None:
    mode = decide_mode(
        oidc_configured=oidc, user_count=count, users_file_broken=broken, users_file_exists=exists
    )
    assert mode == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("localhost", True),
        ("LocalHost ", True),
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("tma.agence.fr", False),
        ("", False),
        (None, False),
    ],
    ids=[
        "localhost",
        "localhost-case-space",
        "ipv4-loopback",
        "debian-hostname-loopback",
        "ipv6-loopback",
        "ipv6-bracketed",
        "all-ipv4",
        "all-ipv6",
        "lan-address",
        "host-name",
        "empty-means-all",
        "unset-means-all",
    ],
)
def test_is_loopback(address: str | None, expected: bool) -> None:
    assert is_loopback(address) is expected
