"""Backup and restore of the accounts store (Đ.20.2).

PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with
``pg_restore --clean --if-exists``; SQLite is copied with its online backup API,
which is consistent while the app runs. The MongoDB procedure (replica set,
``mongodump --oplog``) is documented in the README because no mongod runs here.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum


class Code(DetailEnum):
    """Backup error codes."""

    BK001 = Detail(
        "unsupported store",
        "Không sao lưu được kho tài khoản {dialect}: chỉ hỗ trợ PostgreSQL và SQLite.",
    )
    BK002 = Detail(
        "tool missing",
        "Không tìm thấy chương trình {tool}. Hãy cài gói postgresql-client cùng phiên "
        "bản với máy chủ PostgreSQL.",
    )
    BK003 = Detail(
        "tool failed",
        "{tool} báo lỗi (mã {status}): {stderr}",
    )
    BK004 = Detail(
        "not a backup",
        "Tệp {path} không phải bản sao lưu hợp lệ của kho tài khoản.",
    )


class BackupError(BaocaoError):
    """A backup or restore could not be completed."""

    def __init__(self, code: Code, **fields: object) -> None:
        super().__init__(code.format(**fields), code=code.name)


def backup_sql(uri: str, target: Path) -> Path:
    """Write a consistent copy of the accounts store at ``uri`` to ``target``."""
    url = make_url(uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database or "") as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return target
    if url.get_backend_name() == "postgresql":
        _run("pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(uri))
        return target
    raise BackupError(Code.BK001, dialect=url.get_backend_name())


def restore_sql(uri: str, source: Path) -> None:
    """Replace the accounts store at ``uri`` with the backup ``source``."""
    url = make_url(uri)
    if not source.is_file():
        raise BackupError(Code.BK004, path=source)
    if url.get_backend_name() == "sqlite":
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
                src.execute("SELECT count(*) FROM sqlite_master").fetchone()
                with sqlite3.connect(url.database or "") as dst:
                    src.backup(dst)
        except sqlite3.DatabaseError as err:
            raise BackupError(Code.BK004, path=source) from err
        return
    if url.get_backend_name() == "postgresql":
        _run(
            "pg_restore", "--clean", "--if-exists", "--no-owner",
            f"--dbname={_libpq(uri)}", str(source),
        )
        return
    raise BackupError(Code.BK001, dialect=url.get_backend_name())


def _libpq(uri: str) -> str:
    """SQLAlchemy's ``postgresql+psycopg2://`` → libpq's ``postgresql://``."""
    url = make_url(uri).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(tool: str, *args: str) -> None:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(Code.BK002, tool=tool)
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments are not shell-parsed
        [path, *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            Code.BK003, tool=tool, status=result.returncode, stderr=result.stderr.strip()[:500]
        )
