"""PostgreSQL tier of the accounts store: concurrent permission sync, backup/restore.

Needs ``BAOCAO_TEST_SQL_URI`` (``.ci/run`` points it at the local server); each test
creates its own database in that server and drops it afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from support import require

from baocao.platform.backup import backup_sql, restore_sql
from baocao.platform.settings import sqlalchemy_uri

pytestmark = pytest.mark.services

PASSWORD = "Matkhau-kiem-thu-2026"

SYNC_SCRIPT = """
import sys
from pathlib import Path
from baocao.platform.app import create_app
from baocao.platform.security import sync_security
from baocao.platform.settings import Secret, Settings
settings = Settings.from_env(
    {}, sql_uri=Secret(sys.argv[1]), instance_dir=Path(sys.argv[2]),
    secret_key=Secret("x" * 40), log_level="ERROR",
)
sync_security(create_app(settings))
print("ok")
"""


@pytest.fixture
def pg_uri() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; dropped afterwards."""
    raw = os.environ.get("BAOCAO_TEST_SQL_URI")
    require(bool(raw), "PostgreSQL (BAOCAO_TEST_SQL_URI)")
    admin_uri = sqlalchemy_uri(raw or "")
    name = f"baocao_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_uri, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_uri).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _counts(uri: str) -> dict[str, int]:
    engine = create_engine(uri)
    tables = ("ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
              "ab_permission_view_role")
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
        dupes = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT permission_id, view_menu_id FROM "
                "ab_permission_view GROUP BY 1, 2 HAVING count(*) > 1) d"
            )
        ).scalar_one()
    engine.dispose()
    counts["duplicate permission views"] = dupes
    return counts


def test_concurrent_start_ups_never_duplicate_permission_rows(
    pg_uri: str, tmp_path: Path
) -> None:
    """Three processes sync at once on an empty database: same rows as one sync."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SYNC_SCRIPT, pg_uri, str(tmp_path / f"i{n}")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "ok"
    after_race = _counts(pg_uri)
    assert after_race["duplicate permission views"] == 0
    subprocess.run(
        [sys.executable, "-c", SYNC_SCRIPT, pg_uri, str(tmp_path / "again")], check=True,
        capture_output=True,
    )
    assert _counts(pg_uri) == after_race


def test_backup_and_restore_bring_accounts_back(pg_uri: str, app_factory) -> None:
    """Đ.20.2: dump, lose an account, restore, the account logs in again."""
    from baocao.platform.roles import Role
    from baocao.platform.security import ensure_user, sync_security
    from baocao.platform.settings import Secret

    app = app_factory(sql_uri=Secret(pg_uri))
    sync_security(app)
    ensure_user(app, "28249.nhaplieu", PASSWORD, role=Role.DATA_ENTRY, unit_code="28249")
    dump = backup_sql(pg_uri, Path(app.instance_path) / "accounts.dump")
    assert dump.stat().st_size > 0
    engine = create_engine(pg_uri)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM ab_user_role"))
        conn.execute(text("DELETE FROM ab_user"))
    engine.dispose()
    restore_sql(pg_uri, dump)
    client = app.test_client()
    response = client.post(
        "/api/v1/security/login",
        json={"username": "28249.nhaplieu", "password": PASSWORD, "provider": "db"},
    )
    assert response.status_code == 200
