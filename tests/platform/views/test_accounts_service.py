"""The accounts and grants services on FAB's real store (Đ.14.2, Đ.25.5)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models import Grant, Regime
from baocao.platform.roles import Role
from baocao.platform.services import accounts, grants, units
from baocao.platform.services.errors import (
    Code,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from flask import Flask

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def sm(units_app: Flask, accounts: dict[str, str]) -> Any:
    """FAB's security manager inside an app context."""
    with units_app.app_context():
        yield units_app.appbuilder.sm


def _user(sm: Any, name: str) -> Any:
    return sm.find_user(username=name)


def _regime(name: str = "Báo cáo kinh tế - xã hội tháng") -> str:
    """A stored regime's id (grants may only name existing regimes)."""
    return str(Regime(name=name, created_by="admin", created_at=NOW).save().pk)


def _new(
    username: str, unit: str, *roles: Role, password: str
) -> accounts.AccountInput:
    return accounts.AccountInput(
        username=username,
        full_name="Phạm Thị Hoa",
        email=f"{username}@dongthap.gov.vn",
        unit_code=unit,
        roles=roles,
        password=password,
    )


def test_one_unit_admin_per_unit(sm: Any, password: str) -> None:
    """Đ.14.2: a second admin for SKHCN is refused until the first is locked."""
    admin = _user(sm, "admin")
    with pytest.raises(Conflict) as caught:
        accounts.create_account(
            sm,
            admin,
            _new("skhcn.qt2", "SKHCN", Role.UNIT_ADMIN, password=password),
            now=NOW,
        )
    assert caught.value.message == Code.TK004.format(unit="SKHCN", other="SKHCN.admin")
    accounts.set_active(
        sm, admin, "SKHCN.admin", active=False, reason="Nghỉ hưu", now=NOW
    )
    made = accounts.create_account(
        sm,
        admin,
        _new("skhcn.qt2", "SKHCN", Role.UNIT_ADMIN, password=password),
        now=NOW,
    )
    assert made.unit_code == "SKHCN" and made.active


def test_weak_password_and_bad_names(sm: Any) -> None:
    admin = _user(sm, "admin")
    weak = "ngan"
    with pytest.raises(InvalidInput) as caught:
        accounts.create_account(
            sm, admin, _new("a.b.c", "STC", Role.VIEWER, password=weak), now=NOW
        )
    assert caught.value.code == "TK007"
    with pytest.raises(InvalidInput) as caught:
        accounts.create_account(
            sm, admin, _new("x", "STC", Role.VIEWER, password=weak), now=NOW
        )
    assert caught.value.message == Code.TK003.format(username="x")


def test_transfer_revokes_grants_outside_the_new_unit(sm: Any) -> None:
    admin = _user(sm, "admin")
    kept = grants.add_grant(
        sm,
        admin,
        "STC.nhaplieu",
        unit_code="82",
        regime_id=_regime(),
        roles=[Role.VIEWER],
        now=NOW,
    )
    dropped = grants.add_grant(
        sm,
        admin,
        "STC.nhaplieu",
        unit_code="STC",
        regime_id=None,
        roles=[Role.APPROVER],
        now=NOW,
    )
    accounts.transfer_account(
        sm,
        admin,
        "STC.nhaplieu",
        now=NOW,
        reason="Điều động",
        new_unit="SKHCN",
        new_holder="Võ Văn Hùng",
    )
    assert Grant.objects(pk=kept.pk).get().revoked_at is None
    assert Grant.objects(pk=dropped.pk).get().revoked_at is not None
    moved = sm.find_user(username="STC.nhaplieu")
    assert (moved.unit_code, accounts.full_name(moved)) == ("SKHCN", "Võ Văn Hùng")
    event = accounts.history("STC.nhaplieu")[-2]
    assert event.details["before"]["unit"] == "STC"
    assert event.details["revoked_grants"] == [str(dropped.pk)]


def test_unit_admin_scope_in_the_service(sm: Any, password: str) -> None:
    unit_admin = _user(sm, "SKHCN.admin")
    with pytest.raises(NotFound):
        accounts.get_account(sm, unit_admin, "STC.nhaplieu", now=NOW)
    with pytest.raises(Forbidden):
        accounts.create_account(
            sm,
            unit_admin,
            _new("stc.x", "STC", Role.VIEWER, password=password),
            now=NOW,
        )
    with pytest.raises(InvalidInput) as caught:
        accounts.create_account(
            sm,
            unit_admin,
            _new("skhcn.y", "SKHCN", Role.SYSADMIN, password=password),
            now=NOW,
        )
    assert caught.value.message == Code.TK005.format(role="sysadmin")
    with pytest.raises(Forbidden):
        grants.add_grant(
            sm,
            unit_admin,
            "SKHCN.nhaplieu",
            unit_code="STC",
            regime_id=None,
            roles=[Role.VIEWER],
            now=NOW,
        )
    names = {u.username for u in accounts.list_accounts(sm, unit_admin, now=NOW)}
    assert names == {f"SKHCN.{r.value}" for r in Role if r is not Role.SYSADMIN}
    stc_grant = grants.add_grant(
        sm,
        _user(sm, "admin"),
        "STC.nhaplieu",
        unit_code="STC",
        regime_id=None,
        roles=[Role.VIEWER],
        now=NOW,
    )
    with pytest.raises(NotFound):
        grants.revoke_grant(unit_admin, str(stc_grant.pk), now=NOW)
    assert grants.list_grants(unit_admin, now=NOW) == []


def test_closed_unit_takes_no_new_accounts(sm: Any, password: str) -> None:
    units.create_unit(
        units.UnitInput("T1", "Tổ 1", "subunit", "SKHCN"),
        actor="t",
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    units.close_unit("T1", actor="t", now=datetime(2026, 2, 1, tzinfo=UTC))
    with pytest.raises(Conflict) as caught:
        accounts.create_account(
            sm,
            _user(sm, "admin"),
            _new("t1.x", "T1", Role.VIEWER, password=password),
            now=NOW,
        )
    assert caught.value.code == "DV009"


def test_grant_names_an_existing_regime(sm: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        grants.add_grant(
            sm,
            _user(sm, "admin"),
            "STC.nhaplieu",
            unit_code="STC",
            regime_id="khong-co",
            roles=[Role.VIEWER],
            now=NOW,
        )
    assert caught.value.message == Code.TK013.format(regime="khong-co")
