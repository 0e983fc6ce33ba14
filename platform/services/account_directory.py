"""The active accounts, with unit, roles and e-mail, as notifications read them.

Every chain move notifies the accounts of the step it reaches; finding them was
one SQL join (accounts × roles) per move, about half of the background work a
move causes under ``benchmarks/bench_workflow.py``. Accounts change rarely
(an administrator adds, edits or deactivates one, a login stamps it), so the
directory is a per-process snapshot of every active account
(:mod:`services.process_snapshot`): dropped at once when this process flushes a
change to an account or a role, read again after :data:`TTL_SECONDS` anyway.
An account created or deactivated in another web process is therefore seen by
this one's notifications within that time. Permission checks do not use it:
they read the account on every request (Flask-AppBuilder).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from baocao.platform.extensions import db
from baocao.platform.security import BaocaoUser
from baocao.platform.services.process_snapshot import Snapshot, forget_on_flush
from flask_appbuilder.security.sqla.models import Role as FabRole
from flask_appbuilder.security.sqla.models import assoc_user_role

#: How long a change made by another process may take to be seen here.
TTL_SECONDS = 10.0


@dataclass(frozen=True)
class Account:
    """One active account as the directory knows it."""

    username: str
    unit_code: str | None
    email: str | None
    roles: frozenset[str]
    """Names of its Flask-AppBuilder roles (``security.ROLE_NAMES`` values)."""


def _read() -> dict[str, Account]:
    """Every active account with its role names: one query."""
    rows = (
        db.session.query(
            BaocaoUser.username, BaocaoUser.unit_code, BaocaoUser.email, FabRole.name
        )
        .outerjoin(assoc_user_role, assoc_user_role.c.user_id == BaocaoUser.id)
        .outerjoin(FabRole, FabRole.id == assoc_user_role.c.role_id)
        .filter(BaocaoUser.active.is_(True))
    )
    found: dict[str, tuple[str | None, str | None, set[str]]] = {}
    for username, unit_code, email, role in rows:
        entry = found.setdefault(username, (unit_code, email, set()))
        if role:
            entry[2].add(role)
    return {
        name: Account(name, unit, email, frozenset(roles))
        for name, (unit, email, roles) in found.items()
    }


def _store() -> Any:
    return db.engine  # another app's database → read again


_DIRECTORY: Snapshot[dict[str, Account]] = Snapshot(_read, _store, TTL_SECONDS)
forget_on_flush((BaocaoUser, FabRole), _DIRECTORY.forget)


def active_accounts() -> dict[str, Account]:
    """Username → account, for every active account (needs an app context).
    Shared between threads: read it, never change it."""
    return _DIRECTORY.get()
