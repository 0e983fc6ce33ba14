"""The accounts as notifications find them (services.account_directory).

The directory is a per-process snapshot: what this process changes through the
ORM (an administrator's edit, ensure_user) is seen at once; a change that never
flushes here (another web process, raw SQL) is seen after the TTL.
"""

from __future__ import annotations

import threading
from typing import Any

from baocao.platform.extensions import db
from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.security import BaocaoUser
from baocao.platform.services import account_directory
from baocao.platform.services.process_snapshot import Snapshot
from flask import Flask
from sqlalchemy import text
from support import Clock


def test_changes_made_here_are_seen_at_once(app: Flask, make_user: Any) -> None:
    """AD-1: a new account, a new role and a deactivation show at the next read."""
    with app.app_context():
        assert "28249.moi" not in account_directory.active_accounts()
        make_user("28249.moi", Role.DATA_ENTRY, "28249")
        found = account_directory.active_accounts()["28249.moi"]
        assert (found.unit_code, found.roles) == (
            "28249",
            frozenset({ROLE_NAMES[Role.DATA_ENTRY]}),
        )
        make_user("28249.moi", Role.APPROVER, "28249")
        assert account_directory.active_accounts()["28249.moi"].roles == frozenset(
            {ROLE_NAMES[Role.APPROVER]}
        )
        user = db.session.query(BaocaoUser).filter_by(username="28249.moi").one()
        user.active = False
        db.session.commit()
        assert "28249.moi" not in account_directory.active_accounts()


def test_a_change_from_elsewhere_is_seen_after_the_ttl(
    app: Flask, make_user: Any, monkeypatch: Any
) -> None:
    """AD-2: an update that never flushes in this process (as another web
    process's) shows once the snapshot is older than its TTL, not before."""
    clock = Clock()
    directory = Snapshot(account_directory._read, account_directory._store, 10.0, clock)
    monkeypatch.setattr(account_directory, "_DIRECTORY", directory)
    with app.app_context():
        make_user("28249.khac", Role.DATA_ENTRY, "28249")
        assert "28249.khac" in account_directory.active_accounts()
        db.session.execute(
            text("UPDATE ab_user SET active = :off WHERE username = :name"),
            {"off": False, "name": "28249.khac"},
        )
        db.session.commit()
        clock.now = 9.0
        assert "28249.khac" in account_directory.active_accounts()
        clock.now = 10.5
        assert "28249.khac" not in account_directory.active_accounts()


def test_a_read_that_flushes_a_pending_change_does_not_wait_forever(
    app: Flask, make_user: Any
) -> None:
    """AD-3: reading the directory with an account change pending in the session
    autoflushes it, which forgets the directory while it is being read; the
    read completes (it used to wait on its own lock for ever) and shows it."""
    with app.app_context():
        make_user("28249.treo", Role.DATA_ENTRY, "28249")
    done: list[bool] = []

    def read_with_a_pending_change() -> None:
        with app.app_context():
            account_directory._DIRECTORY.forget()
            user = db.session.query(BaocaoUser).filter_by(username="28249.treo").one()
            user.active = False  # pending, not committed
            done.append("28249.treo" not in account_directory.active_accounts())
            db.session.rollback()

    reader = threading.Thread(target=read_with_a_pending_change, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert done == [True]
