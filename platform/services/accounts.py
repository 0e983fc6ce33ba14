"""Accounts and per-regime grants (Đ.13-14, Đ.25.3, Đ.25.5).

The system admin manages every account, unit admins included; a unit admin
manages the non-admin accounts of its own unit subtree and their grants. An
account is never deleted: staff changes are handled by deactivating it or by
transferring it (to a new holder and/or another unit), and every step is in
the audit log, so ``history(username)`` tells who held the account when.

Accounts live in FAB's store: every function takes the FAB security manager
``sm`` (``appbuilder.sm``) and the acting user; the account model has a
``unit_code`` column (:class:`baocao.platform.security.BaocaoUser`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.platform.models import AuditEvent, Grant
from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.security import check_password
from baocao.platform.services import access, audit, unit_tree
from baocao.platform.services.errors import (
    Code,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from baocao.platform.services.textsearch import matches
from baocao.platform.services.workhours import utc_naive
from flask_appbuilder.exceptions import PasswordComplexityValidationError

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


@dataclass(frozen=True, slots=True)
class AccountInput:
    """What the account form gives."""

    username: str
    full_name: str
    email: str
    unit_code: str | None
    roles: tuple[Role, ...]
    password: str


def account_target(username: str) -> str:
    return f"account:{username}"


def _roles_of(user: Any) -> frozenset[Role]:
    return access.role_keys(user)


def _split_name(full_name: str) -> tuple[str, str]:
    words = " ".join(full_name.split()).split(" ")
    if len(words) == 1:
        return words[0], "-"
    return " ".join(words[:-1]), words[-1]


def full_name(user: Any) -> str:
    """Vietnamese order: family and middle names, then the given name."""
    last = "" if user.last_name == "-" else user.last_name
    return " ".join(p for p in (user.first_name, last) if p)


def _check_password(password: str) -> None:
    try:
        check_password(password)
    except PasswordComplexityValidationError as err:
        raise InvalidInput(Code.TK007, why=str(err)) from None


def _fab_roles(sm: Any, roles: Iterable[Role]) -> list[Any]:
    found = []
    for role in roles:
        fab_role = sm.find_role(ROLE_NAMES[role])
        if fab_role is None:
            raise InvalidInput(Code.TK005, role=role.value)
        found.append(fab_role)
    return found


def _check_roles(actor: Any, roles: Sequence[Role]) -> None:
    if not roles:
        raise InvalidInput(Code.TK006)
    allowed = access.assignable_roles(actor)
    for role in roles:
        if role not in allowed:
            raise InvalidInput(Code.TK005, role=role.value)


def check_unit(
    actor: Any, unit_code: str | None, roles: Sequence[Role], now: datetime
) -> None:
    """The unit must exist, be active, and lie in the actor's subtree."""
    if Role.SYSADMIN in roles and unit_code is None:
        return
    if not unit_code:
        raise InvalidInput(Code.DV001, code="")
    unit = unit_tree.get_unit(unit_code)
    if not unit.is_active(now):
        when = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "?"
        raise Conflict(Code.DV009, code=unit_code, when=when)
    if not access.can_manage_account(actor, unit_code, roles, now=now):
        raise Forbidden("quản lý tài khoản của đơn vị này")


def _check_one_admin(
    sm: Any, unit_code: str | None, roles: Iterable[Role], username: str
) -> None:
    """Đ.14.2: one active unit-admin account per unit."""
    if Role.UNIT_ADMIN not in roles or not unit_code:
        return
    for other in sm.get_all_users():
        if (
            other.username != username
            and other.active
            and getattr(other, "unit_code", None) == unit_code
            and Role.UNIT_ADMIN in _roles_of(other)
        ):
            raise Conflict(Code.TK004, unit=unit_code, other=other.username)


def _check_email(sm: Any, email: str, username: str) -> str:
    email = email.strip()
    if not re.fullmatch(EMAIL_PATTERN, email):
        raise InvalidInput(Code.TK008, email=email)
    other = sm.find_user(email=email)
    if other is not None and other.username != username:
        raise Conflict(Code.TK009, email=email)
    return email


def get_account(sm: Any, actor: Any, username: str, *, now: datetime) -> Any:
    """The account, if ``actor`` may see it.

    :raises NotFound: TK001, also when the account is outside the actor's
        subtree (its existence is not revealed).
    """
    user = sm.find_user(username=username)
    if user is None or not access.can_view_account(actor, user.unit_code, now=now):
        raise NotFound(Code.TK001, username=username)
    return user


def list_accounts(
    sm: Any, actor: Any, *, query: str = "", unit: str | None = None, now: datetime
) -> list[Any]:
    """Accounts the actor may see, filtered by text and unit subtree."""
    if access.is_sysadmin(actor):
        allowed = None
    else:
        allowed = access.manageable_units(actor, now=now)
        if not allowed:
            return []
    within = unit_tree.subtree_codes(unit) if unit else None
    found = []
    for user in sm.get_all_users():
        code = getattr(user, "unit_code", None)
        if allowed is not None and code not in allowed:
            continue
        if within is not None and code not in within:
            continue
        if query and not matches(
            query, user.username, full_name(user), user.email or "", code or ""
        ):
            continue
        found.append(user)
    return sorted(found, key=lambda u: (u.unit_code or "", u.username))


def create_account(sm: Any, actor: Any, data: AccountInput, *, now: datetime) -> Any:
    """Create an account in the actor's subtree with the given roles."""
    if not access.can(actor, access.Action.ACCOUNT_MANAGE, now=now):
        raise Forbidden("tạo tài khoản")
    if not re.fullmatch(USERNAME_PATTERN, data.username or ""):
        raise InvalidInput(Code.TK003, username=data.username)
    if sm.find_user(username=data.username) is not None:
        raise Conflict(Code.TK002, username=data.username)
    _check_roles(actor, data.roles)
    check_unit(actor, data.unit_code, data.roles, now)
    _check_one_admin(sm, data.unit_code, data.roles, data.username)
    email = _check_email(sm, data.email, data.username)
    _check_password(data.password)
    first, last = _split_name(data.full_name or data.username)
    user = sm.add_user(
        username=data.username,
        first_name=first,
        last_name=last,
        email=email,
        role=_fab_roles(sm, data.roles),
        password=data.password,
    )
    if not user:
        raise Conflict(Code.TK012, username=data.username)
    user.unit_code = data.unit_code
    sm.update_user(user)
    audit.record(
        actor.username,
        "account.create",
        account_target(data.username),
        now=now,
        unit=data.unit_code,
        details={
            "full_name": data.full_name,
            "email": email,
            "roles": [r.value for r in data.roles],
        },
    )
    return user


def managed_account(sm: Any, actor: Any, username: str, now: datetime) -> Any:
    user = get_account(sm, actor, username, now=now)
    if not access.can_manage_account(actor, user.unit_code, _roles_of(user), now=now):
        raise Forbidden("sửa tài khoản này")
    return user


def edit_account(
    sm: Any,
    actor: Any,
    username: str,
    *,
    holder: str,
    email: str,
    roles: Sequence[Role],
    now: datetime,
) -> Any:
    """Change the holder's name, e-mail and the account's roles."""
    user = managed_account(sm, actor, username, now)
    _check_roles(actor, roles)
    check_unit(actor, user.unit_code, roles, now)
    _check_one_admin(sm, user.unit_code, roles, username)
    email = _check_email(sm, email, username)
    before = {
        "full_name": full_name(user),
        "email": user.email,
        "roles": sorted(r.value for r in _roles_of(user)),
    }
    user.first_name, user.last_name = _split_name(holder or username)
    user.email, user.roles = email, _fab_roles(sm, roles)
    sm.update_user(user)
    after = {
        "full_name": full_name(user),
        "email": email,
        "roles": sorted(r.value for r in roles),
    }
    audit.record(
        actor.username,
        "account.edit",
        account_target(username),
        now=now,
        unit=user.unit_code,
        details={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return user


def set_active(
    sm: Any, actor: Any, username: str, *, active: bool, reason: str, now: datetime
) -> Any:
    """Lock (Đ.25.5: staff left) or unlock an account; it is never deleted."""
    user = managed_account(sm, actor, username, now)
    if user.username == actor.username:
        raise InvalidInput(Code.TK011)
    if active:
        check_unit(actor, user.unit_code, tuple(_roles_of(user)), now)
        _check_one_admin(sm, user.unit_code, _roles_of(user), username)
    user.active = active
    sm.update_user(user)
    audit.record(
        actor.username,
        "account.reactivate" if active else "account.deactivate",
        account_target(username),
        now=now,
        unit=user.unit_code,
        details={"reason": reason.strip()},
    )
    return user


def transfer_account(
    sm: Any,
    actor: Any,
    username: str,
    *,
    now: datetime,
    reason: str,
    new_unit: str | None = None,
    new_holder: str | None = None,
    new_email: str | None = None,
    new_password: str | None = None,
) -> Any:
    """Hand an account to a new holder and/or move it to another unit.

    The account keeps its username and its history (submissions, signatures
    and audit events stay attached); the previous holder, e-mail and unit go
    into the audit event. Moving to another unit revokes the grants of the old
    unit's subtree. Both units must be in the actor's subtree.
    """
    user = managed_account(sm, actor, username, now)
    if user.username == actor.username:
        raise InvalidInput(Code.TK011)
    roles = tuple(_roles_of(user))
    before = {"holder": full_name(user), "email": user.email, "unit": user.unit_code}
    if new_unit and new_unit != user.unit_code:
        check_unit(actor, new_unit, roles, now)
        _check_one_admin(sm, new_unit, roles, username)
    if new_email:
        user.email = _check_email(sm, new_email, username)
    if new_password:
        _check_password(new_password)
    if new_holder:
        user.first_name, user.last_name = _split_name(new_holder)
    revoked = []
    if new_unit and new_unit != user.unit_code:
        revoked = _revoke_outside(user.username, new_unit, actor.username, now)
        user.unit_code = new_unit
    sm.update_user(user)
    if new_password:
        sm.reset_password(user.id, new_password)
    after = {"holder": full_name(user), "email": user.email, "unit": user.unit_code}
    audit.record(
        actor.username,
        "account.transfer",
        account_target(username),
        now=now,
        unit=user.unit_code,
        details={
            "before": before,
            "after": after,
            "reason": reason.strip(),
            "password_reset": bool(new_password),
            "revoked_grants": revoked,
        },
    )
    if before["unit"] and before["unit"] != user.unit_code:
        audit.record(
            actor.username,
            "account.transfer",
            account_target(username),
            now=now,
            unit=before["unit"],
            details={"moved_to": user.unit_code},
        )
    return user


def _revoke_outside(
    username: str, new_unit: str, actor: str, now: datetime
) -> list[str]:
    """Revoke the grants that do not cover ``new_unit``; return their ids."""
    revoked = []
    for grant in Grant.objects(username=username, revoked_at=None):
        if new_unit not in unit_tree.subtree_codes(grant.unit_code):
            Grant.objects(pk=grant.pk, revoked_at=None).update_one(
                set__revoked_at=utc_naive(now), set__revoked_by=actor
            )
            revoked.append(str(grant.pk))
    return revoked


def reset_password(
    sm: Any, actor: Any, username: str, password: str, *, now: datetime
) -> None:
    """Set a new password (the holder lost it, Đ.14.3a)."""
    user = managed_account(sm, actor, username, now)
    _check_password(password)
    sm.reset_password(user.id, password)
    audit.record(
        actor.username,
        "account.password",
        account_target(username),
        now=now,
        unit=user.unit_code,
    )


def history(username: str) -> list[AuditEvent]:
    """Every recorded action on the account, oldest first."""
    return audit.history(account_target(username))
