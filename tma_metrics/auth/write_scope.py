"""What a user may change: imports, undos, the import history, the contracts file (pure).

The store takes a `WriteScope` on every write and enforces it (the UI only passes it):

- a manager imports, undoes and lists everything, and edits the contracts file;
- a project manager imports only rows of their contracts (the others are refused and
  counted in the import report), lists and undoes only the imports of their contracts;
- a client or an anonymous visitor changes nothing and lists no import.

A row belongs to a contract when its project (or project name) is one of the contract's
projects, compared as `normalise_label` does. A label that several contracts share is
outside the scope of a user who does not have them all: nobody writes into a contract
by way of a project name it shares with theirs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from tma_metrics.auth.principal import ROLE_LABELS_FR, Principal, Role
from tma_metrics.domain.contracts.model import Contract, normalise_label
from tma_metrics.errors import AccessDenied

__all__ = ["Action", "WriteScope"]

Action = Literal["import", "undo", "history", "edit_contracts"]

#: action -> (French infinitive, the same after « ne permet pas de »)
_ACTION_FR: dict[str, tuple[str, str]] = {
    "import": ("importer des données", "d'importer des données"),
    "undo": ("annuler un import", "d'annuler un import"),
    "history": ("consulter l'historique des imports", "de consulter l'historique des imports"),
    "edit_contracts": ("modifier le fichier des contrats", "de modifier le fichier des contrats"),
}
_ROLES_ALLOWED: dict[str, tuple[Role, ...]] = {
    "import": (Role.MANAGER, Role.PM),
    "undo": (Role.MANAGER, Role.PM),
    "history": (Role.MANAGER, Role.PM),
    "edit_contracts": (Role.MANAGER,),
}


@dataclass(frozen=True)
class WriteScope:
    """Who writes, and the contracts file their rights are read against.

    ``contracts`` is every contract of the contracts file (not only the user's): a row
    is in scope only if no other contract claims it too.
    """

    principal: Principal | None
    contracts: tuple[Contract, ...] = ()

    @property
    def login(self) -> str | None:
        """Return the login that writes (recorded with each import)."""
        return self.principal.login if self.principal is not None else None

    @property
    def everything(self) -> bool:
        """Say whether every row is in scope (a manager)."""
        return self.principal is not None and self.principal.role == Role.MANAGER

    def allows(self, action: Action) -> bool:
        """Say whether the role may do ``action`` at all (rows are checked apart)."""
        return self.principal is not None and self.principal.role in _ROLES_ALLOWED[action]

    def require(self, action: Action) -> None:
        """Raise `AccessDenied` (French) unless the role may do ``action``.

        >>> WriteScope(None).require("import")
        Traceback (most recent call last):
        ...
        tma_metrics.errors.AccessDenied: Connectez-vous pour importer des données.
        """
        if self.allows(action):
            return
        verb, after_de = _ACTION_FR[action]
        if self.principal is None:
            raise AccessDenied(f"Connectez-vous pour {verb}.")
        role = ROLE_LABELS_FR[self.principal.role].lower()
        raise AccessDenied(f"Votre rôle ({role}) ne permet pas {after_de}.")

    def assigned(self) -> frozenset[str]:
        """Return the names of the contracts the user may write into (all for a manager)."""
        if self.principal is None:
            return frozenset()
        if self.principal.contracts is None:
            return frozenset(c.name for c in self.contracts)
        return frozenset(self.principal.contracts)

    def labels(self) -> list[tuple[str, str, bool]]:
        """Return (normalised project label, contract, in the user's scope) rows.

        >>> pm = Principal("paul", "Paul", Role.PM, ("Alpha",))
        >>> scope = WriteScope(pm, (Contract("Alpha", ("Extranet",)), Contract("Beta", ("RH",))))
        >>> scope.labels()
        [('extranet', 'Alpha', True), ('rh', 'Beta', False)]
        """
        mine = self.assigned()
        rows = {
            (normalise_label(project), contract.name, contract.name in mine)
            for contract in self.contracts
            for project in contract.projects
        }
        return sorted(rows)

    def sees_import(
        self, contracts_json: str | None, outside_rows: int | None, imported_by: str | None
    ) -> bool:
        """Say whether an import of the history is the user's to list and undo.

        A manager sees every import. A project manager sees an import whose rows all
        belonged to their contracts when it was made (the contracts named by
        ``contracts_json``, no row outside any contract), and their own imports that
        wrote no row. Imports made before this rule was recorded (``None``) are a
        manager's only.

        >>> pm = WriteScope(Principal("paul", "Paul", Role.PM, ("Alpha",)))
        >>> [pm.sees_import(c, o, "alice") for c, o in (('["Alpha"]', 0), ('["Alpha", "Beta"]', 0),
        ...                                            ('["Alpha"]', 3), (None, None))]
        [True, False, False, False]
        """
        if not self.allows("history"):
            return False
        if self.everything:
            return True
        if contracts_json is None or outside_rows is None:
            return False
        names = set(json.loads(contracts_json))
        if outside_rows or not names <= self.assigned():
            return False
        return bool(names) or (imported_by is not None and imported_by == self.login)
