"""Per-regime grants (Đ.14.3: rights differ from report to report).

A unit admin grants roles to the accounts of its subtree, for one report
regime or for all, over a unit of its subtree; the system admin anywhere.
Grants are revoked, never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from baocao.platform.models import Grant, Regime
from baocao.platform.roles import Role
from baocao.platform.services import access, audit
from baocao.platform.services.accounts import (
    account_target,
    check_unit,
    managed_account,
)
from baocao.platform.services.errors import Code, InvalidInput, NotFound
from baocao.platform.services.workhours import utc_naive
from bson import ObjectId
from bson.errors import InvalidId


def regime_choices() -> dict[str, str]:
    """Report regimes a grant may name: id → name (draft ones included)."""
    return {str(r.pk): r.name or str(r.pk) for r in Regime.objects.only("name")}


def add_grant(
    sm: Any,
    actor: Any,
    username: str,
    *,
    unit_code: str,
    regime_id: str | None,
    roles: Sequence[Role],
    now: datetime,
) -> Grant:
    """Give ``username`` roles for one regime (or all) in ``unit_code``'s subtree."""
    user = managed_account(sm, actor, username, now)
    if not roles or any(r not in access.GRANTABLE for r in roles):
        bad = next((r.value for r in roles if r not in access.GRANTABLE), "")
        raise (
            InvalidInput(Code.TK006)
            if not roles
            else InvalidInput(Code.TK005, role=bad)
        )
    check_unit(actor, unit_code, roles, now)
    regime = (regime_id or "").strip() or None
    if regime is not None and regime not in regime_choices():
        raise InvalidInput(Code.TK013, regime=regime)
    grant = Grant(
        username=user.username,
        unit_code=unit_code,
        regime_id=regime,
        roles=[r.value for r in roles],
        granted_by=actor.username,
        granted_at=utc_naive(now),
    )
    grant.save()
    audit.record(
        actor.username,
        "grant.add",
        f"grant:{grant.pk}",
        now=now,
        unit=unit_code,
        details={"username": username, "regime": grant.regime_id, "roles": grant.roles},
    )
    audit.record(
        actor.username,
        "grant.add",
        account_target(username),
        now=now,
        unit=user.unit_code,
        details={"grant": str(grant.pk)},
    )
    return grant


def _grant(ident: str) -> Grant:
    try:
        grant = Grant.objects(pk=ObjectId(ident)).first()
    except (InvalidId, TypeError):
        grant = None
    if grant is None:
        raise NotFound(Code.TK010, grant=ident)
    return grant


def revoke_grant(actor: Any, ident: str, *, now: datetime) -> Grant:
    """Revoke a grant (kept, marked revoked)."""
    grant = _grant(ident)
    if not access.can(actor, access.Action.GRANT_MANAGE, unit=grant.unit_code, now=now):
        raise NotFound(Code.TK010, grant=ident)
    Grant.objects(pk=grant.pk, revoked_at=None).update_one(
        set__revoked_at=utc_naive(now), set__revoked_by=actor.username
    )
    grant.reload()
    audit.record(
        actor.username,
        "grant.revoke",
        f"grant:{grant.pk}",
        now=now,
        unit=grant.unit_code,
        details={"username": grant.username},
    )
    return grant


def list_grants(
    actor: Any,
    *,
    username: str | None = None,
    include_revoked: bool = False,
    now: datetime,
) -> list[Grant]:
    """Grants in the actor's subtree (optionally of one account)."""
    filters: dict[str, Any] = {}
    if username:
        filters["username"] = username
    if not include_revoked:
        filters["revoked_at"] = None
    if not access.is_sysadmin(actor):
        filters["unit_code__in"] = sorted(access.manageable_units(actor, now=now))
    return list(Grant.objects(**filters).order_by("username", "granted_at"))
