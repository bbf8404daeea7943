"""Session tokens: signed, expiring, revocable; one-time hand-off codes (no Streamlit)."""

from __future__ import annotations

import base64
import json

import pytest

from tma_metrics.auth.sessions import HANDOFF_SECONDS, MAX_TOKEN_LENGTH, SessionKeeper


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keeper(clock: Clock) -> SessionKeeper:
    return SessionKeeper(b"k" * 32, lifetime_s=3600, clock=clock)


def tamper_payload(value: str, **changes) -> str:
    body, signature = value.split(".")
    raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw.update(changes)
    new = base64.urlsafe_b64encode(json.dumps(raw).encode()).rstrip(b"=").decode()
    return f"{new}.{signature}"


def test_a_fresh_token_reads_back(keeper: SessionKeeper) -> None:
    token = keeper.issue("paul", "$argon2id$hash")
    assert keeper.decode(keeper.encode(token)) == token
    assert token.login == "paul" and keeper.seconds_left(token) == 3600


@pytest.mark.parametrize(
    "forge",
    [
        lambda v, k: tamper_payload(v, u="alice"),
        lambda v, k: tamper_payload(v, e=4_000_000_000),
        lambda v, k: v.split(".")[0] + "." + "A" * 43,
        lambda v, k: SessionKeeper(b"x" * 32).encode(k.issue("paul", "$argon2id$hash")),
        lambda v, k: v + "." + v,
        lambda v, k: "",
        lambda v, k: "a" * (MAX_TOKEN_LENGTH + 1),
        lambda v, k: "%%%.%%%",
        lambda v, k: None,
    ],
    ids=[
        "other-login",
        "longer-expiry",
        "wrong-signature",
        "other-servers-key",
        "two-dots",
        "empty",
        "too-long",
        "not-base64",
        "absent",
    ],
)
def test_a_forged_or_malformed_cookie_opens_nothing(keeper: SessionKeeper, forge) -> None:
    value = keeper.encode(keeper.issue("paul", "$argon2id$hash"))
    assert keeper.decode(forge(value, keeper)) is None


@pytest.mark.parametrize(
    ("elapsed", "valid"),
    [(0, True), (3599, True), (3600, False), (86_400, False)],
    ids=["new", "last-second", "expired", "next-day"],
)
def test_a_session_expires(keeper: SessionKeeper, clock: Clock, elapsed: int, valid: bool):
    value = keeper.encode(keeper.issue("paul", "$argon2id$hash"))
    clock.now += elapsed
    assert (keeper.decode(value) is not None) is valid


def test_a_logout_revokes_every_copy_of_the_cookie_but_no_other_session(
    keeper: SessionKeeper,
) -> None:
    mine = keeper.issue("paul", "$argon2id$hash")
    other_tab_of_another_login = keeper.issue("paul", "$argon2id$hash")
    copy = keeper.encode(mine)
    keeper.revoke(mine)
    assert keeper.decode(copy) is None and keeper.is_revoked(mine.sid)
    assert keeper.decode(keeper.encode(other_tab_of_another_login)) is not None


def test_a_revoked_session_is_forgotten_once_expired(keeper: SessionKeeper, clock) -> None:
    token = keeper.issue("paul", "$argon2id$hash")
    keeper.revoke(token)
    clock.now += 3601
    keeper.revoke(keeper.issue("alice", "$argon2id$other"))  # any later write prunes
    assert not keeper.is_revoked(token.sid)  # bounded memory; the token is expired anyway


def test_the_password_digest_changes_with_the_hash_and_hides_it(keeper: SessionKeeper) -> None:
    first = keeper.password_digest("$argon2id$v=19$first")
    assert first == keeper.password_digest("$argon2id$v=19$first")
    assert first != keeper.password_digest("$argon2id$v=19$second")
    assert "argon2" not in keeper.encode(keeper.issue("paul", "$argon2id$v=19$first"))


@pytest.mark.parametrize(
    ("elapsed", "taken"),
    [(0, True), (HANDOFF_SECONDS - 1, True), (HANDOFF_SECONDS, False)],
    ids=["at-once", "just-in-time", "too-late"],
)
def test_a_hand_off_code_works_once_and_briefly(keeper, clock, elapsed: int, taken: bool):
    token = keeper.issue("paul", "$argon2id$hash")
    code = keeper.hand_off(token)
    clock.now += elapsed
    value = keeper.take(code)
    assert (value is not None) is taken
    if taken:
        assert keeper.decode(value) == token
    assert keeper.take(code) is None  # never twice


@pytest.mark.parametrize(
    "code", [None, "", "inconnu", "x" * 65], ids=["none", "empty", "unknown", "long"]
)
def test_an_unknown_hand_off_code_gives_nothing(keeper: SessionKeeper, code) -> None:
    keeper.hand_off(keeper.issue("paul", "$argon2id$hash"))
    assert keeper.take(code) is None
