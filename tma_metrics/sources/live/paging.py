"""Offset paging (Redmine's ``limit``/``offset``/``total_count``), pages fetched in parallel."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tma_metrics.sources.live.http import Client
from tma_metrics.sources.live.shapes import member

__all__ = ["PAGE", "Listing", "list_all"]

#: Items per page asked for (Redmine clamps ``limit`` to 100).
PAGE = 100


@dataclass(frozen=True)
class Listing:
    """Every item of a paged list, once each (by id), and whether the list held still."""

    items: list[dict[str, Any]]
    complete: bool  # as many distinct items as the server counted


def list_all(
    client: Client,
    path: str,
    params: Mapping[str, object],
    key: str,
    what: str,
    on_done: Callable[[int, int], None] | None = None,
) -> Listing:
    """Read every page of ``path`` (first page, then the others in parallel).

    Offsets move when items are deleted while the pages are read: an item may then be
    skipped. When fewer distinct items come back than the server counted, the list is
    read once more, page after page; if it still falls short, ``complete`` is False and
    the caller must not take a missing item for a deleted one.
    """
    items, total = _read(client, path, params, key, what, on_done, parallel=True)
    if len(items) < total:
        items, total = _read(client, path, params, key, what, on_done, parallel=False)
    return Listing(list(items.values()), len(items) >= total)


def _read(
    client: Client,
    path: str,
    params: Mapping[str, object],
    key: str,
    what: str,
    on_done: Callable[[int, int], None] | None,
    *,
    parallel: bool,
) -> tuple[dict[object, dict[str, Any]], int]:
    def page(offset: int, size: int) -> tuple[list[Any], int]:
        number = offset // size + 1
        label = f"{what} (page {number})"
        data = client.get(path, {**params, "limit": size, "offset": offset}, what=label)
        found = member(data, key, list, label)
        count = member(data, "total_count", int, label, optional=True)
        return found, len(found) if count is None else count

    first, total = page(0, PAGE)
    size = PAGE
    found = [first]
    if len(first) and len(first) < min(PAGE, total):
        size = len(first)  # the server pages by less than asked
    offsets = list(range(size, total, size))
    if on_done is not None:
        on_done(1, len(offsets) + 1)
    if parallel:
        pages = client.map(
            lambda offset: page(offset, size)[0],
            offsets,
            on_done=None if on_done is None else lambda d, t: on_done(d + 1, t + 1),
        )
        found += pages
    else:
        for n, offset in enumerate(offsets, 2):
            found.append(page(offset, size)[0])
            if on_done is not None:
                on_done(n, len(offsets) + 1)
    items: dict[object, dict[str, Any]] = {}
    for item in (i for p in found for i in p):
        if isinstance(item, dict) and item.get("id") is not None:
            items[item["id"]] = item
    return items, total
