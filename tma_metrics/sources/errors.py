"""The error raised when no adapter recognises a file (the UI then maps its columns)."""

from __future__ import annotations

from tma_metrics.domain.model import ImportFormatError

__all__ = ["UnrecognisedFormat"]


class UnrecognisedFormat(ImportFormatError):
    """No export format matches the header: the user maps the columns by hand.

    Attributes
    ----------
    header:
        The file's column names, cleaned (no BOM, quotes or stray spaces).
    signature:
        `headers.header_signature` of ``header``: the key of a saved mapping profile.
    suggestion:
        Canonical column -> file column (or None) for the guessed ``table``.
    preview:
        The first data rows (at most 5), as text.
    table:
        The canonical table the columns most look like.
    sheet:
        The sheet name for a workbook, else None.
    """

    def __init__(
        self,
        message: str,
        *,
        header: list[str],
        signature: str,
        suggestion: dict[str, str | None],
        preview: list[list[str]],
        table: str,
        sheet: str | None = None,
    ) -> None:
        super().__init__(message)
        self.header = header
        self.signature = signature
        self.suggestion = suggestion
        self.preview = preview
        self.table = table
        self.sheet = sheet
