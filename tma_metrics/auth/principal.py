"""Who is looking: the logged-in principal and what it may see (pure).

A principal is a role plus, for project managers and clients, the names of the
contracts assigned to it. Names that match no contract are ignored, never an error:
the users file and the contracts file are edited separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tma_metrics.domain.contracts.model import Contract

__all__ = [
    "LOCAL_MANAGER",
    "ROLES",
    "ROLE_LABELS_FR",
    "Principal",
    "Role",
    "allowed_contracts",
    "can_edit_contracts",
    "can_import",
    "sees_internal",
    "unknown_contract_names",
]


class Role(StrEnum):
    """What a user is allowed to see and do."""

    MANAGER = "manager"  # every contract, every page
    PM = "pm"  # assigned contracts, internal figures included
    CLIENT = "client"  # read-only views of its own contracts, no internal figures


ROLES: tuple[str, ...] = tuple(Role)

ROLE_LABELS_FR: dict[str, str] = {
    Role.MANAGER: "Responsable",
    Role.PM: "Chef de projet",
    Role.CLIENT: "Client",
}


@dataclass(frozen=True)
class Principal:
    """The user a page is drawn for.

    ``contracts`` is ``None`` for a manager (every contract) and the tuple of assigned
    contract names for a project manager or a client.
    """

    login: str
    name: str
    role: Role
    contracts: tuple[str, ...] | None

    def __post_init__(self) -> None:
        # A principal built wrongly would silently widen access: refuse it outright.
        try:
            object.__setattr__(self, "role", Role(self.role))
        except ValueError:
            raise ValueError(
                f"Rôle inconnu : {self.role!r} (attendu manager, pm ou client)."
            ) from None
        if self.contracts is not None:
            object.__setattr__(self, "contracts", tuple(self.contracts))
        if (self.role == Role.MANAGER) != (self.contracts is None):
            raise ValueError(
                f"Utilisateur « {self.login} » : un responsable voit tous les contrats "
                "(contracts=None), un chef de projet ou un client une liste de contrats."
            )


#: The implicit user of local mode (no users file: only this machine reaches the app).
LOCAL_MANAGER = Principal(
    login="local", name="Utilisateur local", role=Role.MANAGER, contracts=None
)


def allowed_contracts(principal: Principal, contracts: Iterable[Contract]) -> tuple[Contract, ...]:
    """Return the contracts ``principal`` may see, in the contracts file's order.

    >>> from tma_metrics.domain.contracts.model import Contract
    >>> file = (Contract("Alpha", ("a",)), Contract("Beta", ("b",)))
    >>> pm = Principal("paul", "Paul", Role.PM, ("Beta", "Gamma"))
    >>> [c.name for c in allowed_contracts(pm, file)]
    ['Beta']
    """
    if principal.contracts is None:
        return tuple(contracts)
    assigned = set(principal.contracts)
    return tuple(c for c in contracts if c.name in assigned)


def unknown_contract_names(principal: Principal, contracts: Iterable[Contract]) -> tuple[str, ...]:
    """Return the assigned names that match no contract (to warn whoever edits the files)."""
    if principal.contracts is None:
        return ()
    known = {c.name for c in contracts}
    return tuple(name for name in principal.contracts if name not in known)


def sees_internal(principal: Principal) -> bool:
    """Say whether internal figures are shown: absorbed hours, internal comments, other clients."""
    return principal.role != Role.CLIENT


def can_import(principal: Principal) -> bool:
    """Say whether the principal may import exports (clients only read)."""
    return principal.role in (Role.MANAGER, Role.PM)


def can_edit_contracts(principal: Principal) -> bool:
    """Say whether the principal may edit the contracts file (it names every client)."""
    return principal.role == Role.MANAGER
