"""The permission service (issue 2 items 5 and 7, Đ.14): role x action x own/other unit.

The matrix lists, for every role, every action on the account's own unit, a
unit inside its subtree, and another unit; anything not listed as allowed must
be denied (zero leaks).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from baocao.platform.models import Grant
from baocao.platform.roles import Role
from baocao.platform.services import units
from baocao.platform.services.access import (
    GRANTABLE,
    Action,
    assignable_roles,
    can,
    can_manage_account,
    can_view_account,
    manageable_units,
    visible_units,
)
from baocao.platform.services.units import UnitInput

OWN, CHILD, OTHER = "SKHCN", "SKHCN-VP", "STC"
REPORT = {Action.REPORT_VIEW}
#: role → actions allowed on its own unit and subtree (never on another unit).
SCOPED: dict[Role, set[Action]] = {
    Role.UNIT_ADMIN: {
        Action.ACCOUNT_VIEW,
        Action.ACCOUNT_MANAGE,
        Action.GRANT_MANAGE,
        Action.AUDIT_VIEW,
        *REPORT,
    },
    Role.DESIGNER: {Action.FORM_DESIGN, Action.REGIME_MANAGE, *REPORT},
    Role.DATA_ENTRY: {Action.REPORT_ENTER, *REPORT},
    Role.APPROVER: {Action.REPORT_APPROVE, Action.REPORT_SIGN, *REPORT},
    Role.SENDER: {Action.REPORT_SEND, *REPORT},
    Role.AGGREGATOR: {Action.REPORT_ACCEPT, Action.REPORT_AGGREGATE, *REPORT},
    Role.VIEWER: {*REPORT},
}
EVERYWHERE = {Action.UNIT_VIEW, Action.SUPPORT_CREATE, Action.DASHBOARD_VIEW}
SYSADMIN_ALLOWED = {
    Action.UNIT_MANAGE,
    Action.ADMIN_MANAGE,
    Action.ANNOUNCEMENT_MANAGE,
    Action.SUPPORT_MANAGE,
    Action.ACCOUNT_VIEW,
    Action.ACCOUNT_MANAGE,
    Action.GRANT_MANAGE,
    Action.AUDIT_VIEW,
    Action.REPORT_VIEW,
}


@pytest.fixture
def tree(seeded: Any, now: datetime) -> None:
    units.create_unit(
        UnitInput(CHILD, "Văn phòng Sở", "subunit", OWN), actor="t", now=now
    )


def expected(role: Role, action: Action, where: str) -> bool:
    """The matrix: what ``role`` at OWN may do at ``where``."""
    if action in EVERYWHERE:
        return True
    if role is Role.SYSADMIN:
        return action in SYSADMIN_ALLOWED
    return action in SCOPED[role] and where != OTHER


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_rbac_matrix(tree: None, now: datetime, make_user: Any, role: Role) -> None:
    """Every action x own unit, its subtree, another unit: no leak, no missing right."""
    user = make_user(f"{OWN}.{role.value}", OWN, role)
    wrong = [
        (action.value, where, expected(role, action, where))
        for action in Action
        for where in (OWN, CHILD, OTHER)
        if can(user, action, unit=where, now=now) is not expected(role, action, where)
    ]
    assert wrong == []
    for action in Action:
        if action not in EVERYWHERE and role is not Role.SYSADMIN:
            allowed = {OWN, CHILD} if action in SCOPED[role] else set()
            assert visible_units(user, action, now=now) == allowed, action


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_anonymous_and_locked_accounts_can_do_nothing(
    tree: None, now: datetime, make_user: Any, role: Role
) -> None:
    locked = make_user("x", OWN, role, active=False)
    anonymous = make_user("y", OWN, role)
    anonymous.is_authenticated = False
    for action in Action:
        assert not can(locked, action, unit=OWN, now=now)
        assert not can(anonymous, action, unit=OWN, now=now)
        assert visible_units(locked, action, now=now) == frozenset()


def test_grants_are_per_regime(tree: None, now: datetime, make_user: Any) -> None:
    """Đ.14.3: approver for regime R1 in another unit, nothing for R2 there."""
    user = make_user("28249.nhaplieu", "28249", Role.DATA_ENTRY)
    Grant(
        username=user.username,
        unit_code=OTHER,
        regime_id="R1",
        roles=["lanhdao"],
        granted_by="admin",
        granted_at=now,
    ).save()
    assert can(user, Action.REPORT_APPROVE, unit=OTHER, regime="R1", now=now)
    assert not can(user, Action.REPORT_APPROVE, unit=OTHER, regime="R2", now=now)
    assert not can(user, Action.REPORT_ENTER, unit=OTHER, regime="R1", now=now)
    assert can(user, Action.REPORT_ENTER, unit="28249", regime="R2", now=now)
    assert not can(user, Action.REPORT_APPROVE, unit="28249", regime="R1", now=now)
    assert (
        visible_units(user, Action.REPORT_APPROVE, regime="R2", now=now) == frozenset()
    )
    assert visible_units(user, Action.REPORT_APPROVE, regime="R1", now=now) == {OTHER}


def test_revoked_and_admin_grants_give_nothing(
    tree: None, now: datetime, make_user: Any
) -> None:
    user = make_user("u", "28249", Role.VIEWER)
    Grant(
        username="u",
        unit_code=OTHER,
        regime_id=None,
        roles=["lanhdao"],
        granted_by="a",
        granted_at=now,
        revoked_by="a",
        revoked_at=now,
    ).save()
    Grant(
        username="u",
        unit_code=OTHER,
        regime_id=None,
        roles=["admin", "sysadmin"],
        granted_by="a",
        granted_at=now,
    ).save()
    for action in Action:
        if action not in EVERYWHERE:
            assert not can(user, action, unit=OTHER, now=now), action


def test_sysadmin_gets_report_actions_only_by_grant(
    tree: None, now: datetime, make_user: Any
) -> None:
    admin = make_user("admin", None, Role.SYSADMIN)
    assert not can(admin, Action.REPORT_APPROVE, unit=OWN, now=now)
    Grant(
        username="admin",
        unit_code="82",
        regime_id=None,
        roles=["tonghop"],
        granted_by="admin",
        granted_at=now,
    ).save()
    assert can(admin, Action.REPORT_ACCEPT, unit=OWN, now=now)


def test_merged_unit_resolves_to_successor(
    tree: None, now: datetime, make_user: Any
) -> None:
    """A merged commune's reports go to the successor's staff, not the old staff."""
    successor = make_user("28249.lanhdao", "28249", Role.APPROVER)
    old_staff = make_user("28261.lanhdao", "28261", Role.APPROVER)
    assert not can(successor, Action.REPORT_APPROVE, unit="28261", now=now)
    units.merge_units("28261", "28249", actor="admin", now=now)
    assert can(successor, Action.REPORT_APPROVE, unit="28261", now=now)
    assert "28261" in visible_units(successor, now=now)
    assert not can(old_staff, Action.REPORT_APPROVE, unit="28261", now=now)
    assert not can(old_staff, Action.REPORT_VIEW, now=now)


def test_unknown_unit_is_denied(tree: None, now: datetime, make_user: Any) -> None:
    admin = make_user("admin", None, Role.SYSADMIN)
    assert not can(admin, Action.UNIT_MANAGE, unit="NOPE", now=now)
    assert not can(
        make_user("a", OWN, Role.UNIT_ADMIN), Action.ACCOUNT_VIEW, unit="NOPE", now=now
    )


def test_unit_admin_account_scope(tree: None, now: datetime, make_user: Any) -> None:
    """Đ.14.2/Đ.25.3: a unit admin manages only non-admin accounts of its subtree."""
    admin = make_user("SKHCN.admin", OWN, Role.UNIT_ADMIN)
    assert manageable_units(admin, now=now) == {OWN, CHILD}
    assert can_manage_account(admin, CHILD, [Role.DATA_ENTRY], now=now)
    assert not can_manage_account(admin, OTHER, [Role.DATA_ENTRY], now=now)
    assert not can_manage_account(admin, OWN, [Role.UNIT_ADMIN], now=now)
    assert not can_manage_account(admin, None, [], now=now)
    assert can_view_account(admin, OWN, now=now) and not can_view_account(
        admin, "82", now=now
    )
    assert assignable_roles(admin) == GRANTABLE
    sysadmin = make_user("admin", None, Role.SYSADMIN)
    assert can_manage_account(sysadmin, OTHER, [Role.UNIT_ADMIN], now=now)
    assert assignable_roles(sysadmin) == tuple(Role)
    assert assignable_roles(make_user("n", OWN, Role.DATA_ENTRY)) == ()
