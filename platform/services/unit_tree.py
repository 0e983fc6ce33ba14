"""Queries over the unit tree and the placement rules (who may sit under whom).

``parent`` is the source of truth of the tree; ``path`` is derived from it so
that a subtree is one prefix query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from baocao.platform.models import UNIT_CODE_PATTERN, Unit, UnitKind
from baocao.platform.services.errors import Code, InvalidInput, NotFound
from baocao.platform.services.textsearch import matches

_MAX_MERGE_HOPS = 64


@dataclass(frozen=True, slots=True)
class UnitInput:
    """What a form, an import row or the seed gives to create a unit."""

    code: str
    name: str
    kind: str
    parent: str | None = None
    official_id: str = ""
    subtype: str = ""
    valid_from: datetime | None = None


@dataclass(slots=True)
class TreeNode:
    """A unit with its children, for the tree view."""

    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


# --- queries -----------------------------------------------------------------


def find_unit(code: str) -> Unit | None:
    """The unit with this exact code, or None."""
    return Unit.objects(code=code).first()


def get_unit(code: str) -> Unit:
    """The unit with this exact code.

    :raises NotFound: DV001.
    """
    unit = find_unit(code)
    if unit is None:
        raise NotFound(Code.DV001, code=code)
    return unit


def resolve(code: str) -> Unit:
    """The unit now standing for ``code``: itself, or its successor after mergers."""
    unit = get_unit(code)
    for _ in range(_MAX_MERGE_HOPS):
        if not unit.merged_into:
            return unit
        unit = get_unit(unit.merged_into)
    return unit


def _subtree_query(path: str) -> dict[str, Any]:
    return {"path": re.compile("^" + re.escape(path) + "(/|$)")}


def subtree(code: str) -> list[Unit]:
    """The unit and every descendant, ordered by path (closed ones included)."""
    unit = get_unit(code)
    return list(Unit.objects(**_subtree_query(unit.path)).order_by("path"))


def subtree_codes(code: str) -> set[str]:
    """Codes of the subtree plus every unit merged (directly or not) into it.

    Reports of a merged unit stay under its code; whoever sees the successor's
    subtree sees them.
    """
    codes = {u.code for u in subtree(code)}
    merged = {u.code: u.merged_into for u in Unit.objects(merged_into__ne=None)}
    grown = True
    while grown:
        extra = {
            src for src, dst in merged.items() if dst in codes and src not in codes
        }
        for src in extra:
            codes |= {u.code for u in subtree(src)}
        grown = bool(extra)
    return codes


def ancestors(code: str) -> list[Unit]:
    """Ancestors of a unit, root first (the unit itself excluded)."""
    unit = get_unit(code)
    names = unit.path.split("/")[:-1]
    found = {u.code: u for u in Unit.objects(code__in=names)}
    return [found[name] for name in names if name in found]


def children(code: str, *, now: datetime, include_closed: bool = False) -> list[Unit]:
    """Direct children of a unit, by path."""
    found = Unit.objects(parent=code).order_by("path")
    return [u for u in found if include_closed or u.is_active(now)]


def list_units(
    *,
    now: datetime,
    kind: str | None = None,
    parent: str | None = None,
    include_closed: bool = False,
    codes: Iterable[str] | None = None,
) -> list[Unit]:
    """Units filtered by kind, direct parent and (optionally) a set of codes."""
    filters: dict[str, Any] = {}
    if kind:
        filters["kind"] = kind
    if parent:
        filters["parent"] = parent
    if codes is not None:
        filters["code__in"] = sorted(codes)
    found = Unit.objects(**filters).order_by("path")
    return [u for u in found if include_closed or u.is_active(now)]


def search_units(
    text: str, *, now: datetime, include_closed: bool = False, kind: str | None = None
) -> list[Unit]:
    """Units whose code, name or official id contains ``text``.

    Matching ignores case, and diacritics when the query has none (``dao thanh``
    finds "Phường Đạo Thạnh"); the tree holds a few thousand units at most, so the
    filter runs in Python over one query.
    """
    found = list_units(now=now, kind=kind, include_closed=include_closed)
    return [u for u in found if matches(text, u.code, u.name, u.official_id)]


def tree(*, now: datetime, include_closed: bool = False) -> list[TreeNode]:
    """The whole forest of units as nested nodes, ordered by path."""
    nodes: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []
    for unit in list_units(now=now, include_closed=include_closed):
        node = nodes[unit.code] = TreeNode(unit)
        parent = nodes.get(unit.parent or "")
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (_KIND_ORDER.get(n.unit.kind, 9), n.unit.path))
    return roots


#: Order of the kinds among siblings: departments before communes, then sub-units.
_KIND_ORDER = {"province": 0, "department": 1, "commune": 2, "subunit": 3}


# --- rules -------------------------------------------------------------------


def check_code(code: str) -> None:
    """:raises InvalidInput: DV003 when the code has a bad shape."""
    if not re.fullmatch(UNIT_CODE_PATTERN, code or ""):
        raise InvalidInput(Code.DV003, code=code)


def check_kind(kind: str) -> UnitKind:
    """:raises InvalidInput: DV008 for an unknown kind."""
    try:
        return UnitKind(kind)
    except ValueError:
        raise InvalidInput(Code.DV008, kind=kind) from None


def placement_error(kind: UnitKind, parent_kind: str | None) -> str | None:
    """Why a unit of ``kind`` cannot sit under a parent of ``parent_kind``, or None.

    A province is a root; departments and communes sit directly under a
    province; a sub-unit sits under any unit.
    """
    if kind is UnitKind.PROVINCE:
        return (
            None if parent_kind is None else "Tỉnh là gốc của cây, không có cấp trên."
        )
    if parent_kind is None:
        return "Đơn vị loại này phải có đơn vị cấp trên."
    if (
        kind in (UnitKind.DEPARTMENT, UnitKind.COMMUNE)
        and parent_kind != UnitKind.PROVINCE
    ):
        return "Sở, ngành và xã, phường phải trực thuộc tỉnh."
    return None


def check_placement(
    code: str, kind: UnitKind, parent: Unit | None, now: datetime
) -> None:
    if parent is not None and code in parent.path.split("/"):
        raise InvalidInput(Code.DV006, code=code, parent=parent.code)
    if parent is not None and not parent.is_active(now):
        raise InvalidInput(Code.DV005, parent=parent.code)
    hint = placement_error(kind, parent.kind if parent else None)
    if hint:
        raise InvalidInput(
            Code.DV007,
            kind=kind.value,
            parent=parent.code if parent else "(không có)",
            parent_kind=parent.kind if parent else "(không có)",
            hint=hint,
        )


def parent_unit(parent: str | None) -> Unit | None:
    if not parent:
        return None
    unit = find_unit(parent)
    if unit is None:
        raise InvalidInput(Code.DV004, parent=parent)
    return unit
