"""One root for every error the app explains to its user, and one family per kind of fault.

Every message is French and says what was expected and what was found. The UI edge
(`ui/frame.py`) and the command line (`cli/`) catch `TmaError` once: a page shows the
message, the terminal prints it and exits with the family's code; nothing else does.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "ConfigurationError",
    "InputError",
    "RenderError",
    "StorageError",
    "TmaError",
]


class TmaError(Exception):
    """An error whose message (French) is meant for the user."""

    #: Exit code of the command line when this error stops a command.
    exit_code = 1


class InputError(TmaError, ValueError):
    """A file or a value a user gave cannot be read: nothing was changed."""

    exit_code = 2


class ConfigurationError(TmaError, ValueError):
    """A settings file (contracts, users, calendar) is wrong or missing."""

    exit_code = 1


class StorageError(TmaError, RuntimeError):
    """The database cannot do what was asked (held by another process, undo refused)."""

    exit_code = 3


class AccessDenied(TmaError, PermissionError):
    """The user's role or scope does not allow this read or write."""

    exit_code = 4


class RenderError(TmaError, RuntimeError):
    """A file for the user (chart image, deck) could not be produced."""

    exit_code = 1
