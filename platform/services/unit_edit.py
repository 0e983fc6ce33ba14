"""Changing the unit tree: create, edit, move, close, merge; every change audited.

Each step is a single-document write (no multi-document transaction, so the
same code runs on mongomock and on any MongoDB deployment). Moving a subtree
writes the moved unit first, then its descendants' paths; if a process dies in
between, :func:`rebuild_paths` recomputes every path from the parent links.
"""

from __future__ import annotations

from datetime import datetime

from baocao.platform.models import Unit, UnitKind
from baocao.platform.services import audit
from baocao.platform.services.errors import Code, Conflict, InvalidInput
from baocao.platform.services.unit_tree import (
    UnitInput,
    check_code,
    check_kind,
    check_placement,
    children,
    find_unit,
    get_unit,
    parent_unit,
    subtree,
)
from baocao.platform.services.workhours import utc_naive
from mongoengine.errors import NotUniqueError


def _unit_target(code: str) -> str:
    return f"unit:{code}"


def build_unit(data: UnitInput, *, now: datetime) -> Unit:
    """Validate ``data`` against the stored tree and return an unsaved Unit.

    :raises InvalidInput: DV003, DV004, DV005, DV006, DV007, DV008, DV012, DV018.
    :raises Conflict: DV002 when the code is taken.
    """
    check_code(data.code)
    kind = check_kind(data.kind)
    name = " ".join((data.name or "").split())
    if not name:
        raise InvalidInput(Code.DV012)
    if find_unit(data.code) is not None:
        raise Conflict(Code.DV002, code=data.code)
    parent = parent_unit(data.parent)
    check_placement(data.code, kind, parent, now)
    moment = utc_naive(now)
    return Unit(
        code=data.code,
        name=name,
        kind=kind.value,
        subtype=data.subtype.strip(),
        official_id=data.official_id.strip(),
        parent=parent.code if parent else None,
        path=f"{parent.path}/{data.code}" if parent else data.code,
        valid_from=utc_naive(data.valid_from) if data.valid_from else moment,
        created_at=moment,
        updated_at=moment,
    )


def insert_unit(unit: Unit) -> Unit:
    """Insert a unit built by :func:`build_unit`; a lost race on the code is DV002."""
    try:
        unit.save(force_insert=True)
    except NotUniqueError:
        raise Conflict(Code.DV002, code=unit.code) from None
    return unit


def create_unit(data: UnitInput, *, actor: str, now: datetime) -> Unit:
    """Create one unit and record it in the audit log."""
    unit = insert_unit(build_unit(data, now=now))
    audit.record(
        actor,
        "unit.create",
        _unit_target(unit.code),
        now=now,
        unit=unit.code,
        details={"name": unit.name, "kind": unit.kind, "parent": unit.parent},
    )
    return unit


def edit_unit(
    code: str,
    *,
    name: str,
    official_id: str,
    subtype: str,
    kind: str | None = None,
    actor: str,
    now: datetime,
) -> Unit:
    """Change the descriptive fields (and optionally the kind) of a unit.

    :raises InvalidInput: DV007 when the new kind does not fit the parent or
        when children would no longer fit under it.
    """
    unit = get_unit(code)
    new_kind = check_kind(kind or unit.kind)
    clean = " ".join((name or "").split())
    if not clean:
        raise InvalidInput(Code.DV012)
    if new_kind.value != unit.kind:
        check_placement(code, new_kind, parent_unit(unit.parent), now)
        for child in children(code, now=now, include_closed=True):
            check_placement(
                child.code, UnitKind(child.kind), _as_kind(unit, new_kind), now
            )
    before = {
        "name": unit.name,
        "official_id": unit.official_id,
        "subtype": unit.subtype,
        "kind": unit.kind,
    }
    unit.name, unit.official_id = clean, official_id.strip()
    unit.subtype, unit.kind = subtype.strip(), new_kind.value
    unit.updated_at = utc_naive(now)
    unit.save()
    after = {key: getattr(unit, key) for key in before}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit.record(
        actor,
        "unit.edit",
        _unit_target(code),
        now=now,
        unit=code,
        details={"changes": changes},
    )
    return unit


def _as_kind(unit: Unit, kind: UnitKind) -> Unit:
    """An unsaved copy of ``unit`` with another kind, to test children against it."""
    return Unit(
        code=unit.code,
        name=unit.name,
        kind=kind.value,
        path=unit.path,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
    )


def move_unit(code: str, new_parent: str, *, actor: str, now: datetime) -> Unit:
    """Put a unit (with its subtree) under another parent.

    :raises InvalidInput: DV004/DV005/DV006/DV007 as in :func:`build_unit`.
    """
    unit = get_unit(code)
    _require_active(unit, now)
    parent = parent_unit(new_parent)
    check_placement(code, UnitKind(unit.kind), parent, now)
    old_parent = unit.parent
    _reparent(unit, parent, now)
    audit.record(
        actor,
        "unit.move",
        _unit_target(code),
        now=now,
        unit=code,
        details={"from": old_parent, "to": new_parent},
    )
    return unit


def _reparent(unit: Unit, parent: Unit | None, now: datetime) -> None:
    old_path = unit.path
    descendants = [u for u in subtree(unit.code) if u.code != unit.code]
    unit.parent = parent.code if parent else None
    unit.path = f"{parent.path}/{unit.code}" if parent else unit.code
    unit.updated_at = utc_naive(now)
    unit.save()
    for child in descendants:
        child.path = unit.path + child.path[len(old_path) :]
        child.save()


def _require_active(unit: Unit, now: datetime) -> None:
    if not unit.is_active(now):
        when = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "?"
        raise Conflict(Code.DV009, code=unit.code, when=when)


def close_unit(
    code: str, *, actor: str, now: datetime, when: datetime | None = None
) -> Unit:
    """Mark a unit as no longer existing from ``when`` (default: now).

    :raises Conflict: DV009 when already closed, DV010 with active children.
    :raises InvalidInput: DV018 when ``when`` is before the unit's start.
    """
    unit = get_unit(code)
    _require_active(unit, now)
    active = children(code, now=now)
    if active:
        raise Conflict(Code.DV010, code=code, count=len(active))
    end = utc_naive(when or now)
    if end < unit.valid_from:
        raise InvalidInput(
            Code.DV018,
            end=end.date().isoformat(),
            start=unit.valid_from.date().isoformat(),
        )
    unit.valid_to, unit.updated_at = end, utc_naive(now)
    unit.save()
    audit.record(
        actor,
        "unit.close",
        _unit_target(code),
        now=now,
        unit=code,
        details={"valid_to": end.isoformat()},
    )
    return unit


def merge_units(source: str, target: str, *, actor: str, now: datetime) -> Unit:
    """Merge ``source`` into ``target``: close it and point it to its successor.

    Active children of ``source`` move under ``target``; reports stay under the
    old code and every lookup of it resolves to ``target``.

    :raises InvalidInput: DV011 when ``target`` is ``source`` or inside it.
    """
    old, new = get_unit(source), get_unit(target)
    _require_active(old, now)
    _require_active(new, now)
    if source in new.path.split("/"):
        raise InvalidInput(Code.DV011, code=source)
    moved = children(source, now=now)
    for child in moved:
        check_placement(child.code, UnitKind(child.kind), new, now)
    for child in moved:
        _reparent(child, new, now)
    old.valid_to, old.merged_into = utc_naive(now), target
    old.updated_at = utc_naive(now)
    old.save()
    audit.record(
        actor,
        "unit.merge",
        _unit_target(source),
        now=now,
        unit=source,
        details={"merged_into": target, "moved_children": [c.code for c in moved]},
    )
    audit.record(
        actor,
        "unit.merge",
        _unit_target(target),
        now=now,
        unit=target,
        details={"absorbed": source},
    )
    return old


def rebuild_paths() -> int:
    """Recompute every ``path`` from the parent links; return how many changed."""
    units = {u.code: u for u in Unit.objects()}
    changed = 0
    for unit in units.values():
        parts, seen, cursor = [], set(), unit
        while cursor is not None and cursor.code not in seen:
            seen.add(cursor.code)
            parts.append(cursor.code)
            cursor = units.get(cursor.parent) if cursor.parent else None
        path = "/".join(reversed(parts))
        if unit.path != path:
            unit.path = path
            unit.save()
            changed += 1
    return changed
