"""Accounts, roles and permissions on top of Flask-AppBuilder's security manager.

- Accounts carry the code of their unit (``unit_code``) so that the access service
  can limit a unit admin to its own subtree (Đ.14.2, Đ.25.3).
- The FAB roles are the roles of DESIGN.md §1, named in Vietnamese. Each role gets
  exactly the permissions computed by :func:`role_permissions`: what every account
  needs (its own profile and password) plus the views that name the role in their
  ``baocao_roles`` attribute. A view that wants to be reachable by a role says so
  there; nothing else grants view permissions.
- Permission rows are written only by :func:`sync_security`, under a lock
  (PostgreSQL advisory lock, or a file lock beside SQLite), by the commands that
  start a deployment (``baocao serve``, ``demo``, ``create-admin``). Web workers run
  with ``FAB_UPDATE_PERMS`` and ``FAB_CREATE_DB`` off, so several processes never
  race to insert the same rows.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.security_memo import PermissionMemo
from flask import Flask
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import User
from flask_appbuilder.security.views import (
    UserDBModelView,
    UserLDAPModelView,
    UserOAuthModelView,
)
from sqlalchemy import String, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, joinedload, mapped_column

logger = logging.getLogger(__name__)

#: Arbitrary constant naming our PostgreSQL advisory lock ("baocao" in ASCII).
ADVISORY_LOCK_KEY = 0x62616F63616F
MIN_PASSWORD_LENGTH = 10
_COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "1234567890",
        "qwerty1234",
        "matkhau123",
        "admin12345",
        "abc1234567",
    }
)


class BaocaoUser(User):
    """FAB's user with the code of the unit the account belongs to."""

    __tablename__ = "ab_user"
    unit_code: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    """Code of the account's unit (``Unit.code``); None for the system admin."""


def check_password(password: str) -> None:
    """Password policy for database accounts (FAB_PASSWORD_COMPLEXITY_VALIDATOR).

    At least 10 characters with letters and digits, and not a well-known password.

    :raises PasswordComplexityValidationError: with a Vietnamese message.
    """
    if (
        len(password) < MIN_PASSWORD_LENGTH
        or not re.search(r"[^\W\d_]", password)
        or not re.search(r"\d", password)
        or password.lower() in _COMMON_PASSWORDS
    ):
        raise PasswordComplexityValidationError(
            f"Mật khẩu phải dài ít nhất {MIN_PASSWORD_LENGTH} ký tự, có cả chữ và số, "
            "và không phải mật khẩu phổ biến."
        )


class _UnitColumnsMixin:
    """Show and edit ``unit_code`` in FAB's account views."""

    label_columns = {**UserDBModelView.label_columns, "unit_code": "Mã đơn vị"}
    list_columns = [*UserDBModelView.list_columns, "unit_code"]
    show_columns = [
        "username",
        "first_name",
        "last_name",
        "email",
        "unit_code",
        "active",
        "roles",
    ]
    edit_columns = [
        "first_name",
        "last_name",
        "username",
        "active",
        "email",
        "roles",
        "unit_code",
    ]


class BaocaoUserDBModelView(_UnitColumnsMixin, UserDBModelView):
    add_columns = [*UserDBModelView.add_columns, "unit_code"]


class BaocaoUserLDAPModelView(_UnitColumnsMixin, UserLDAPModelView):
    add_columns = [*UserLDAPModelView.add_columns, "unit_code"]


class BaocaoUserOAuthModelView(_UnitColumnsMixin, UserOAuthModelView):
    add_columns = [*UserOAuthModelView.add_columns, "unit_code"]


class BaocaoSecurityManager(SecurityManager):
    """FAB's SQLAlchemy security manager with our user model and views.

    Permission checks are remembered per process (:mod:`baocao.platform.security_memo`
    says when they are forgotten) and the signed-in account is read with its roles
    and groups in one query: FAB's own checks cost four queries per request.
    """

    user_model = BaocaoUser
    userdbmodelview = BaocaoUserDBModelView
    userldapmodelview = BaocaoUserLDAPModelView
    useroauthmodelview = BaocaoUserOAuthModelView

    def __init__(self, appbuilder) -> None:  # noqa: ANN001 - FAB's signature
        super().__init__(appbuilder)
        self.permission_memo = PermissionMemo()

    def is_item_public(self, permission_name: str, view_name: str) -> bool:
        return self.permission_memo.answer(
            ("public", permission_name, view_name),
            lambda: super(BaocaoSecurityManager, self).is_item_public(
                permission_name, view_name
            ),
        )

    def exist_permission_on_roles(
        self, view_name: str, permission_name: str, role_ids: list[int]
    ) -> bool:
        return self.permission_memo.answer(
            ("roles", view_name, permission_name, tuple(sorted(role_ids))),
            lambda: super(BaocaoSecurityManager, self).exist_permission_on_roles(
                view_name, permission_name, role_ids
            ),
        )

    def get_user_by_id(self, pk: int) -> BaocaoUser | None:
        return self.session.get(
            self.user_model,
            pk,
            options=[
                joinedload(self.user_model.roles),
                joinedload(self.user_model.groups),
            ],
        )


def fab_role_name(role: Role) -> str:
    """The FAB role of a role key (its Vietnamese name)."""
    return ROLE_NAMES[role]


def _own_account_permissions(appbuilder) -> set[tuple[str, str]]:  # noqa: ANN001
    """What every logged-in account needs: own profile, own password, menu."""
    sm = appbuilder.sm
    user_view = sm.user_view.class_permission_name
    wanted = {("can_userinfo", user_view), ("can_get", "MenuApi")}
    for view in appbuilder.baseviews:
        name = view.class_permission_name
        if name in ("UserInfoEditView", "ResetMyPasswordView"):
            wanted |= {(p, name) for p in view.base_permissions}
        if name == user_view and "resetmypassword" in view.base_permissions:
            wanted.add(("resetmypassword", user_view))
    return wanted


def role_permissions(appbuilder) -> dict[Role, set[tuple[str, str]]]:  # noqa: ANN001
    """The exact ``(permission, view)`` set of each role other than the system admin.

    A view opts in with ``baocao_roles = (Role.DATA_ENTRY, ...)``; its permissions and
    its menu entries (``menu_access``) then go to those roles.
    """
    base = _own_account_permissions(appbuilder)
    result = {role: set(base) for role in Role if role is not Role.SYSADMIN}
    menus = _menu_names_by_view(appbuilder)
    for view in appbuilder.baseviews:
        roles: Iterable[Role] = getattr(view, "baocao_roles", ())
        for role in roles:
            if role is Role.SYSADMIN:
                continue
            perms = {(p, view.class_permission_name) for p in view.base_permissions}
            perms |= {("menu_access", m) for m in menus.get(id(view), ())}
            result[role] |= perms
    return result


def _menu_names_by_view(appbuilder) -> dict[int, set[str]]:  # noqa: ANN001
    """Menu item and category names that lead to each view instance."""
    found: dict[int, set[str]] = {}
    for category in appbuilder.menu.get_list():
        for item in [category, *category.childs]:
            if item.baseview is not None:
                found.setdefault(id(item.baseview), set()).update({item.name})
                if item is not category:
                    found[id(item.baseview)].add(category.name)
    return found


@contextlib.contextmanager
def _sync_lock(engine: Engine, instance_dir: Path) -> Iterator[None]:
    """One process at a time: a PostgreSQL advisory lock, else a file lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY}
                )
                conn.commit()
        return
    import fcntl

    instance_dir.mkdir(parents=True, exist_ok=True)
    with (instance_dir / "security-sync.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_security(app: Flask) -> None:
    """Create the accounts tables, roles and permission rows; idempotent, locked.

    Run by the commands that start or set up a deployment, never by web workers.
    """
    from baocao.platform.extensions import db

    with app.app_context():
        engine = db.engine
        with _sync_lock(engine, Path(app.instance_path)):
            appbuilder = app.appbuilder  # type: ignore[attr-defined]
            sm = appbuilder.sm
            sm._create_db()  # tables (if missing), builtin, admin and public roles
            appbuilder.add_permissions(update_perms=True)
            _sync_roles(appbuilder)
            db.session.commit()
            db.session.remove()
    logger.info("Đã đồng bộ vai trò và quyền")


def _sync_roles(appbuilder) -> None:  # noqa: ANN001
    """Give each managed role exactly its computed permissions."""
    sm = appbuilder.sm
    for role, wanted in role_permissions(appbuilder).items():
        fab_role = sm.find_role(fab_role_name(role)) or sm.add_role(fab_role_name(role))
        pvms = []
        for permission, view in sorted(wanted):
            pvm = sm.find_permission_view_menu(permission, view)
            if pvm is None:
                pvm = sm.add_permission_view_menu(permission, view)
            pvms.append(pvm)
        fab_role.permissions = pvms
    appbuilder.session.flush()


def ensure_user(
    app: Flask,
    username: str,
    password: str,
    *,
    role: Role,
    unit_code: str | None = None,
    full_name: str = "",
    password_hash: str = "",
) -> BaocaoUser:
    """Create the account, or reset its password, role and unit if it exists.

    :param password_hash: a hash from :func:`hash_password` to use instead of
        hashing ``password`` again (seeding many accounts with one password).
    """
    from baocao.platform.extensions import db

    with app.app_context():
        sm = app.appbuilder.sm  # type: ignore[attr-defined]
        fab_role = sm.find_role(fab_role_name(role))
        if fab_role is None:
            raise LookupError(f"role {role} missing: run sync_security first")
        password_hash = password_hash or hash_password(app, password)
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(
                username=username,
                # Vietnamese full names do not split into FAB's first/last pair.
                first_name=full_name or username,
                last_name="",
                email=f"{username}@baocao.invalid",
                role=fab_role,
                hashed_password=password_hash,
            )
            if not user:
                raise LookupError(f"account {username} could not be created")
        user.password = password_hash
        user.roles = [fab_role]
        user.active = True
        user.unit_code = unit_code
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def hash_password(app: Flask, password: str) -> str:
    """Hash with the app's configured method (FAB's scrypt unless changed)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(
        password,
        method=app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )
