"""Flask-AppBuilder's permission checks as remembered per process (security_memo).

A permission removed from a role in this process stops working at the next
request; one removed elsewhere (another web process) after the memo's TTL.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.extensions import db
from baocao.platform.roles import Role
from baocao.platform.security import fab_role_name
from baocao.platform.security_memo import PermissionMemo
from flask import Flask
from support import Clock


def _can_list_units(app: Flask, role_ids: list[int]) -> bool:
    return app.appbuilder.sm.exist_permission_on_roles("Units", "can_get", role_ids)


def test_a_permission_removed_here_stops_at_once(app: Flask) -> None:
    """PM-1: FAB's role view (a flush of the role's permissions) clears the memo."""
    sm = app.appbuilder.sm
    with app.app_context():
        role = sm.find_role(fab_role_name(Role.DATA_ENTRY))
        assert _can_list_units(app, [role.id])  # remembered from here on
        kept = [p for p in role.permissions if p.view_menu.name != "Units"]
        assert len(kept) < len(role.permissions)
        role.permissions = kept
        db.session.commit()
        assert not _can_list_units(app, [role.id])


def test_a_change_elsewhere_is_seen_after_the_ttl() -> None:
    """PM-2: an answer is kept until the TTL, then asked again."""
    clock = Clock()
    memo = PermissionMemo(ttl=10.0, clock=clock)
    answers: list[bool] = [True]

    def ask() -> Any:
        return answers[-1]

    assert memo.answer("key", ask)
    answers.append(False)  # revoked by another process
    clock.now = 9.0
    assert memo.answer("key", ask)
    clock.now = 10.5
    assert not memo.answer("key", ask)
