"""THE permission service: every view and API endpoint asks :func:`can`.

Two layers decide (DESIGN.md §1, Đ.14):

- the account's own roles (FAB roles, named as in :data:`ROLE_NAMES`) apply to
  the subtree of the account's unit, for every report regime;
- per-regime :class:`~baocao.platform.models.Grant` documents add roles for
  one regime (or all) in another unit's subtree (Đ.14.3).

The system admin manages units, unit admins, announcements and support; it
gets report actions only through grants. A unit admin manages accounts and
grants inside its own unit's subtree only. A unit that was merged resolves to
its successor, so whoever serves the successor serves the old code's reports.
A user whose unit is closed keeps no scope until transferred.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from baocao.platform.models import Grant, Unit
from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.services import unit_tree


class Action(StrEnum):
    """What a user may want to do; checked with :func:`can`."""

    UNIT_VIEW = "unit.view"
    UNIT_MANAGE = "unit.manage"
    ACCOUNT_VIEW = "account.view"
    ACCOUNT_MANAGE = "account.manage"
    ADMIN_MANAGE = "account.manage_admins"
    GRANT_MANAGE = "grant.manage"
    AUDIT_VIEW = "audit.view"
    ANNOUNCEMENT_MANAGE = "announcement.manage"
    SUPPORT_CREATE = "support.create"
    SUPPORT_MANAGE = "support.manage"
    FORM_DESIGN = "form.design"
    REGIME_MANAGE = "regime.manage"
    REPORT_VIEW = "report.view"
    REPORT_ENTER = "report.enter"
    REPORT_APPROVE = "report.approve"
    REPORT_SIGN = "report.sign"
    REPORT_SEND = "report.send"
    REPORT_ACCEPT = "report.accept"
    REPORT_AGGREGATE = "report.aggregate"
    DASHBOARD_VIEW = "dashboard.view"


#: Actions any signed-in, active user may take, anywhere.
EVERYONE: frozenset[Action] = frozenset(
    {Action.UNIT_VIEW, Action.SUPPORT_CREATE, Action.DASHBOARD_VIEW}
)
#: Actions only the system admin takes (global, never granted).
SYSADMIN_ONLY: frozenset[Action] = frozenset(
    {
        Action.UNIT_MANAGE,
        Action.ADMIN_MANAGE,
        Action.ANNOUNCEMENT_MANAGE,
        Action.SUPPORT_MANAGE,
    }
)
#: Account administration: system admin anywhere, unit admin in its subtree.
ADMINISTRATION: frozenset[Action] = frozenset(
    {Action.ACCOUNT_VIEW, Action.ACCOUNT_MANAGE, Action.GRANT_MANAGE, Action.AUDIT_VIEW}
)

#: What each role allows inside its scope (besides :data:`EVERYONE`).
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.SYSADMIN: SYSADMIN_ONLY | ADMINISTRATION | {Action.REPORT_VIEW},
    Role.UNIT_ADMIN: ADMINISTRATION | {Action.REPORT_VIEW},
    Role.DESIGNER: frozenset(
        {Action.FORM_DESIGN, Action.REGIME_MANAGE, Action.REPORT_VIEW}
    ),
    Role.DATA_ENTRY: frozenset({Action.REPORT_VIEW, Action.REPORT_ENTER}),
    Role.APPROVER: frozenset(
        {Action.REPORT_VIEW, Action.REPORT_APPROVE, Action.REPORT_SIGN}
    ),
    Role.SENDER: frozenset({Action.REPORT_VIEW, Action.REPORT_SEND}),
    Role.AGGREGATOR: frozenset(
        {Action.REPORT_VIEW, Action.REPORT_ACCEPT, Action.REPORT_AGGREGATE}
    ),
    Role.VIEWER: frozenset({Action.REPORT_VIEW}),
}
#: Roles a grant may carry: the administrative roles come with the account only.
GRANTABLE: tuple[Role, ...] = (
    Role.DESIGNER,
    Role.DATA_ENTRY,
    Role.APPROVER,
    Role.SENDER,
    Role.AGGREGATOR,
    Role.VIEWER,
)
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.UNIT_ADMIN})

_BY_NAME: dict[str, Role] = {name: role for role, name in ROLE_NAMES.items()}
_BY_NAME.update({role.value: role for role in Role})


class Principal(Protocol):
    """What the service reads from a user (FAB's user model fits)."""

    username: str
    unit_code: str | None
    roles: Any


@dataclass(frozen=True, slots=True)
class Scope:
    """Roles a user holds in one unit's subtree for one regime (None: all)."""

    unit: str
    regime: str | None
    roles: frozenset[Role]
    source: str
    """``account`` for the account's own roles, else ``grant:<id>``."""


def role_of(name: str) -> Role | None:
    """The role key for a FAB role name (Vietnamese) or a key; None if unknown."""
    return _BY_NAME.get(name)


def role_keys(user: Any) -> frozenset[Role]:
    """Role keys of the account's FAB roles (unknown FAB roles are ignored)."""
    names = [getattr(r, "name", r) for r in (getattr(user, "roles", None) or [])]
    return frozenset(role for role in map(role_of, names) if role is not None)


def is_signed_in(user: Any) -> bool:
    """A real, active account (anonymous users and locked accounts are not)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_active", getattr(user, "active", False)))


def is_sysadmin(user: Any) -> bool:
    """Whether the user is a signed-in system admin."""
    return is_signed_in(user) and Role.SYSADMIN in role_keys(user)


def scopes(
    user: Any, *, now: datetime, find: Callable[[str], Unit | None] | None = None
) -> list[Scope]:
    """Every (unit, regime, roles) the user acts in: its account, then its grants.

    :param find: how to read a unit by code (a caller that already read some
        passes its memo); :func:`unit_tree.find_unit` by default.
    """
    if not is_signed_in(user):
        return []
    find = find or unit_tree.find_unit
    found: list[Scope] = []
    own = role_keys(user) - {Role.SYSADMIN}
    home = _active_unit(getattr(user, "unit_code", None), now, find)
    if own and home is not None:
        found.append(Scope(home.code, None, own, "account"))
    for grant in Grant.objects(username=user.username, revoked_at=None):
        unit = _active_unit(grant.unit_code, now, find)
        roles = frozenset(r for r in map(role_of, grant.roles) if r in GRANTABLE)
        if unit is not None and roles:
            found.append(Scope(unit.code, grant.regime_id, roles, f"grant:{grant.pk}"))
    return found


def _active_unit(
    code: str | None, now: datetime, find: Callable[[str], Unit | None]
) -> Unit | None:
    if not code:
        return None
    unit = find(code)
    return unit if unit is not None and unit.is_active(now) else None


def can(
    user: Any,
    action: Action,
    *,
    unit: str | None = None,
    regime: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Whether ``user`` may take ``action`` on ``unit`` for ``regime``.

    :param unit: the unit acted on (a merged unit counts as its successor);
        None asks "anywhere?" (for menus).
    :param regime: the report regime; None asks "for any regime?". Pass it
        whenever acting on one report.
    """
    if not is_signed_in(user) or (unit is not None and _target(unit) is None):
        return False
    if action in EVERYONE:
        return True
    if is_sysadmin(user) and action in ROLE_ACTIONS[Role.SYSADMIN]:
        return True
    if action in SYSADMIN_ONLY:
        return False
    target = _target(unit)
    for scope in scopes(user, now=now or datetime.now().astimezone()):
        if not any(action in ROLE_ACTIONS[role] for role in scope.roles):
            continue
        if regime is not None and scope.regime not in (None, regime):
            continue
        if target is None or target in unit_tree.subtree_codes(scope.unit):
            return True
    return False


def _target(code: str | None) -> str | None:
    if code is None or unit_tree.find_unit(code) is None:
        return None
    return unit_tree.resolve(code).code


def visible_units(
    user: Any,
    action: Action = Action.REPORT_VIEW,
    *,
    regime: str | None = None,
    now: datetime | None = None,
) -> frozenset[str]:
    """Codes of every unit where ``user`` may take ``action`` (merged ones included)."""
    if not is_signed_in(user):
        return frozenset()
    moment = now or datetime.now().astimezone()
    every = frozenset(u.code for u in Unit.objects.only("code"))
    if action in EVERYONE or (
        is_sysadmin(user) and action in ROLE_ACTIONS[Role.SYSADMIN]
    ):
        return every
    if action in SYSADMIN_ONLY:
        return frozenset()
    codes: set[str] = set()
    for scope in scopes(user, now=moment):
        if regime is not None and scope.regime not in (None, regime):
            continue
        if any(action in ROLE_ACTIONS[role] for role in scope.roles):
            codes |= unit_tree.subtree_codes(scope.unit)
    return frozenset(codes)


def manageable_units(user: Any, *, now: datetime | None = None) -> frozenset[str]:
    """Units whose accounts and grants ``user`` administers."""
    return visible_units(user, Action.ACCOUNT_MANAGE, now=now)


def assignable_roles(user: Any) -> tuple[Role, ...]:
    """Roles ``user`` may give to an account: unit admins never give admin roles."""
    if is_sysadmin(user):
        return tuple(Role)
    if Role.UNIT_ADMIN in role_keys(user) and is_signed_in(user):
        return GRANTABLE
    return ()


def can_manage_account(
    actor: Any,
    target_unit: str | None,
    target_roles: Iterable[Role],
    *,
    now: datetime | None = None,
) -> bool:
    """Whether ``actor`` may see and change an account at ``target_unit``.

    A unit admin manages accounts of its subtree that hold no administrative
    role; the system admin manages every account.
    """
    if is_sysadmin(actor):
        return True
    if not target_unit or ADMIN_ROLES & set(target_roles):
        return False
    return target_unit in manageable_units(actor, now=now)


def can_view_account(
    actor: Any, target_unit: str | None, *, now: datetime | None = None
) -> bool:
    """Whether ``actor`` may see an account (unit admins: their subtree only)."""
    if is_sysadmin(actor):
        return True
    return bool(target_unit) and target_unit in manageable_units(actor, now=now)
