"""The indicator catalogue (Đ.4.4, Đ.5.2h): entries, who edits them, form bindings.

Cells of published form versions carry indicator codes (``x-indicator`` in the
schema, from ``CT_<code>`` names, ``chỉ tiêu: <code>`` comments or the designer's
override). :func:`bindings` lists them; :func:`suggestions` names the codes bound
in some form but missing from the catalogue, with a name taken from the cell's
title, so that a designer can add them in one step (:func:`import_missing`).

Admins and designers of the owner unit (its subtree) edit an entry; the system
admin edits all. Bad input raises before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.platform.exchange import events as exchange_events
from baocao.platform.models import Form, FormVersion, Indicator
from baocao.platform.models.indicator import AGGREGATE_RULES
from baocao.platform.services import access, audit, unit_tree
from baocao.platform.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from baocao.platform.services.indicator_errors import IndicatorCode as Code

#: The compiler's code syntax (``form_designer.parse``), so every bound code fits.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Binding:
    """One cell of a published form version bound to an indicator code."""

    code: str
    form_id: str
    form_name: str
    version: int
    cell: str
    title: str
    aggregate: str
    owner_unit: str


def list_indicators(*, public_only: bool = False) -> list[Indicator]:
    """The catalogue in (group, code) order."""
    query = Indicator.objects(public=True) if public_only else Indicator.objects
    return list(query.order_by("group", "code"))


def get_indicator(code: str) -> Indicator:
    """:raises NotFound: (404, CT001) no such code."""
    found = Indicator.objects(code=code).first()
    if found is None:
        raise NotFound(Code.CT001, code=code)  # type: ignore[arg-type]
    return found


def can_edit(user: Any, owner_unit: str, *, now: datetime) -> bool:
    """Admins and designers of ``owner_unit``'s subtree; the system admin anywhere."""
    if access.is_sysadmin(user):
        return True
    return any(
        access.can(user, action, unit=owner_unit, now=now)
        for action in (access.Action.FORM_DESIGN, access.Action.ACCOUNT_MANAGE)
    )


def _clean(payload: Mapping[str, Any], old: Indicator | None) -> dict[str, Any]:
    """Validated fields of ``payload`` (missing ones keep ``old``'s values)."""

    def pick(name: str, default: Any = "") -> Any:
        if name in payload:
            return payload[name]
        return getattr(old, name) if old is not None else default

    name = str(pick("name") or "").strip()
    if not name or len(name) > 300:  # noqa: PLR2004 - the field's max_length
        raise InvalidInput(Code.CT004)  # type: ignore[arg-type]
    rule = str(pick("aggregate", "sum") or "sum")
    if rule not in AGGREGATE_RULES:
        raise InvalidInput(  # type: ignore[arg-type]
            Code.CT005, value=rule, allowed=", ".join(AGGREGATE_RULES)
        )
    owner = str(pick("owner_unit") or "").strip()
    if unit_tree.find_unit(owner) is None:
        raise InvalidInput(Code.CT006, unit=owner)  # type: ignore[arg-type]
    parts = pick("disaggregations", [])
    if isinstance(parts, str):
        parts = parts.split(",")
    return {
        "name": name,
        "unit_of_measure": str(pick("unit_of_measure") or "").strip()[:60],
        "group": str(pick("group") or "").strip()[:200],
        "disaggregations": [str(p).strip()[:100] for p in parts if str(p).strip()],
        "owner_unit": owner,
        "aggregate": rule,
        "public": _truthy(pick("public", False)),
        "description": str(pick("description") or "").strip()[:2000],
    }


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "co", "có")
    return bool(value)


def create_indicator(
    payload: Mapping[str, Any], *, actor: Any, now: datetime
) -> Indicator:
    """Add an entry; the actor must be able to edit for the owner unit.

    :raises InvalidInput: bad code (CT002), name, rule or owner unit.
    :raises Conflict: (409, CT003) the code exists.
    :raises Forbidden: the actor may not edit for that owner unit.
    """
    code = str(payload.get("code") or "").strip()
    if not CODE_PATTERN.match(code):
        raise InvalidInput(Code.CT002, code=code)  # type: ignore[arg-type]
    fields = _clean(payload, None)
    _require_edit(actor, fields["owner_unit"], now)
    if Indicator.objects(code=code).first() is not None:
        raise Conflict(Code.CT003, code=code)  # type: ignore[arg-type]
    moment = now.replace(tzinfo=None)
    indicator = Indicator(
        code=code,
        created_by=_username(actor),
        created_at=moment,
        updated_at=moment,
        **fields,
    ).save()
    audit.record(
        _username(actor),
        "indicator.create",
        f"indicator:{code}",
        now=now,
        unit=fields["owner_unit"],
        details={"name": fields["name"]},
    )
    exchange_events.catalogue_changed(now)  # QCVN 125 catalogue packages
    return indicator


def update_indicator(
    code: str, payload: Mapping[str, Any], *, actor: Any, now: datetime
) -> Indicator:
    """Change an entry (not its code: cells are bound to it)."""
    indicator = get_indicator(code)
    _require_edit(actor, indicator.owner_unit, now)
    fields = _clean(payload, indicator)
    _require_edit(actor, fields["owner_unit"], now)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.updated_at = now.replace(tzinfo=None)
    indicator.save()
    audit.record(
        _username(actor),
        "indicator.update",
        f"indicator:{code}",
        now=now,
        unit=indicator.owner_unit,
        details={"public": indicator.public},
    )
    exchange_events.catalogue_changed(now)  # QCVN 125 catalogue packages
    return indicator


def _require_edit(actor: Any, owner_unit: str, now: datetime) -> None:
    if not can_edit(actor, owner_unit, now=now):
        raise Forbidden(f"sửa danh mục chỉ tiêu của đơn vị {owner_unit}")


def _username(actor: Any) -> str:
    return str(getattr(actor, "username", actor))


def bindings() -> list[Binding]:
    """Every indicator-bound input cell of every published form version."""
    forms = {str(f.pk): f for f in Form.objects.only("name", "owner_unit")}
    found = []
    for version in FormVersion.objects.order_by("form_id", "n"):
        form = forms.get(version.form_id)
        props = version.documents().get("schema", {}).get("properties", {})
        for cell, prop in props.items():
            if isinstance(prop, dict) and prop.get("x-indicator"):
                found.append(
                    Binding(
                        code=str(prop["x-indicator"]),
                        form_id=version.form_id,
                        form_name=form.name if form is not None else version.form_id,
                        version=version.n,
                        cell=cell,
                        title=str(prop.get("title") or cell),
                        aggregate=str(prop.get("x-aggregate") or "sum"),
                        owner_unit=form.owner_unit if form is not None else "",
                    )
                )
    return found


def suggestions(found: Iterable[Binding] | None = None) -> list[Binding]:
    """One binding per code that is bound in a form but not in the catalogue."""
    known = {i.code for i in Indicator.objects.only("code")}
    first: dict[str, Binding] = {}
    for binding in bindings() if found is None else found:
        if binding.code not in known:
            first.setdefault(binding.code, binding)
    return sorted(first.values(), key=lambda b: b.code)


def import_missing(
    codes: Iterable[str], *, actor: Any, now: datetime, owner_unit: str = ""
) -> list[Indicator]:
    """Add the suggested entries for ``codes`` (name from the cell's title).

    Codes already in the catalogue or bound nowhere are skipped; a rule the
    cell uses that the catalogue does not know (count, none) becomes sum.
    """
    wanted = set(codes)
    made = []
    for binding in suggestions():
        if binding.code not in wanted:
            continue
        rule = binding.aggregate if binding.aggregate in AGGREGATE_RULES else "sum"
        payload = {
            "code": binding.code,
            "name": binding.title[:300],
            "owner_unit": owner_unit or binding.owner_unit,
            "aggregate": rule,
            "group": binding.form_name[:200],
        }
        made.append(create_indicator(payload, actor=actor, now=now))
    return made
