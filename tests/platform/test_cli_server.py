"""``baocao demo``, ``create-admin``, ``backup``/``restore`` as a user runs them (issue #2 §9)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mongoengine
import pytest

from baocao.platform.demo import demo_accounts

DEMO_PASSWORD = "Demo-matkhau-2026"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")}
    env.update(extra)
    return env


class _Done:
    def __init__(self, returncode: int, stderr: str, stdout: str = "") -> None:
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout


def _cli(*args: str, env: dict[str, str], stdin: str | None = None) -> _Done:
    """Run ``baocao ARGS`` in this process with exactly ``env`` as BAOCAO_* variables."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from baocao.platform.cli import main

    saved_env, saved_stdin = dict(os.environ), sys.stdin
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = io.StringIO(stdin or "")
    err, out = io.StringIO(), io.StringIO()
    try:
        with redirect_stderr(err), redirect_stdout(out):
            code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.stdin = saved_stdin
        mongoengine.disconnect()
    return _Done(code, err.getvalue(), out.getvalue())


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``baocao demo`` in a subprocess, as the README's first command starts it."""
    port = _free_port()
    env = _clean_env(
        BAOCAO_LOGIN_RATE_LIMIT="200 per minute",
        BAOCAO_INSTANCE_DIR=str(tmp_path_factory.mktemp("demo")),
    )
    started = time.monotonic()
    # The demo logs every request and background step: its output goes to a
    # file, since a pipe nobody drains fills up and blocks the server.
    log = tmp_path_factory.mktemp("demo-log") / "demo.log"
    output = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "baocao.platform.cli", "demo", "--port", str(port),
         "--password", DEMO_PASSWORD],
        env=env, stdout=output, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() - started < 60, "demo not serving within a minute"
            try:
                urllib.request.urlopen(url + "login/", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        output.close()


def _login(url: str, username: str, password: str) -> str:
    """Log in through the login page; returns the home page seen afterwards."""
    return _session(url, username, password)[1]


def _session(url: str, username: str, password: str) -> tuple[Any, str]:
    """Log in; returns the logged-in opener and the home page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "login/") as page:
        token = _CSRF.search(page.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": token}
    ).encode()
    with opener.open(url + "login/", data=form) as page:
        return opener, page.read().decode()


@pytest.mark.services
def test_every_demo_account_logs_in_through_the_login_page(demo_server: str) -> None:
    usernames = [name for name, _, _ in demo_accounts()]
    assert len(usernames) == 25
    for username in usernames:
        home = _login(demo_server, username, DEMO_PASSWORD)
        assert f"({username}" in home, username
        assert "Chế độ trình diễn: dữ liệu không được lưu" in home


@pytest.mark.services
def test_demo_leaders_can_sign_with_the_printed_certificates(demo_server: str) -> None:
    """Issue #6: the demo registered each leader's demo certificate."""
    opener, _home = _session(demo_server, "28249.lanhdao", DEMO_PASSWORD)
    with opener.open(demo_server + "chung-thu-so/") as page:
        listed = page.read().decode()
    assert "Đang dùng" in listed and "Lãnh đạo 28249" in listed


@pytest.mark.services
def test_demo_refuses_a_wrong_password(demo_server: str) -> None:
    home = _login(demo_server, "admin", "sai-mat-khau-2026")
    assert "Đăng nhập không thành công" in home


@pytest.mark.services
def test_demo_api_lists_102_communes_with_a_token_only(demo_server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(demo_server + "api/v1/units?kind=commune")
    caught.value.close()
    assert caught.value.code == 401
    request = urllib.request.Request(
        demo_server + "api/v1/security/login",
        data=json.dumps(
            {"username": "admin", "password": DEMO_PASSWORD, "provider": "db"}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        token = json.load(answer)["access_token"]
    communes = urllib.request.Request(
        demo_server + "api/v1/units?kind=commune",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(communes) as answer:
        body = json.load(answer)
    assert body["count"] == len(body["items"]) == 102


def test_create_admin_then_backup_and_restore_sqlite(tmp_path: Path) -> None:
    """Đ.20.2 on SQLite: backup, lose the admin, restore, the admin is back."""
    env = _clean_env(BAOCAO_INSTANCE_DIR=str(tmp_path / "instance"))
    weak = _cli("create-admin", "--password-stdin", env=env, stdin="ngan\n")
    assert weak.returncode == 1
    assert "SV002" in weak.stderr
    made = _cli("create-admin", "--password-stdin", env=env, stdin="Quantri-2026-manh\n")
    assert made.returncode == 0, made.stderr
    backup = tmp_path / "accounts.sqlite"
    assert _cli("backup", str(backup), env=env).returncode == 0
    import sqlite3

    store = tmp_path / "instance" / "baocao.db"
    with sqlite3.connect(store) as conn:
        conn.execute("DELETE FROM ab_user_role")
        conn.execute("DELETE FROM ab_user")
    restored = _cli("restore", str(backup), env=env)
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT username FROM ab_user").fetchall()
    assert rows == [("admin",)]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    env = _clean_env(BAOCAO_INSTANCE_DIR=str(tmp_path / "instance"))
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("không phải sao lưu")
    done = _cli("restore", str(bogus), env=env)
    assert done.returncode == 1
    assert "BK004" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_setting_stops_the_command_with_a_clear_message(tmp_path: Path) -> None:
    env = _clean_env(BAOCAO_INSTANCE_DIR=str(tmp_path), BAOCAO_MONGO_URL="x")
    done = _cli("backup", str(tmp_path / "x"), env=env)
    assert done.returncode == 1
    assert "CFG001" in done.stderr
    assert "BAOCAO_MONGO_URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_import_units_dry_run_reports_rows_and_errors(tmp_path: Path) -> None:
    """``baocao import-units`` previews through the units service, per-row errors."""
    env = _clean_env(BAOCAO_INSTANCE_DIR=str(tmp_path / "instance"))
    good = tmp_path / "good.csv"
    good.write_text("Mã,Tên,Loại\n82,Tỉnh Đồng Tháp,tỉnh\n", encoding="utf-8")
    done = _cli("import-units", "--dry-run", str(good), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    preview = json.loads(done.stdout)
    assert (preview["created"], preview["stored"], preview["errors"]) == (1, False, [])
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã,Tên,Loại\n82,Tỉnh Đồng Tháp,làng\n", encoding="utf-8")
    done = _cli("import-units", "--dry-run", str(bad), env=env)
    assert done.returncode == 1
    errors = json.loads(done.stdout)["errors"]
    assert [(e["line"], e["code"]) for e in errors] == [(2, "82")]


def test_serve_runs_gunicorn_and_answers(tmp_path: Path) -> None:
    """``baocao serve`` syncs permissions once, then gunicorn serves the login page."""
    port = _free_port()
    env = _clean_env(
        BAOCAO_INSTANCE_DIR=str(tmp_path / "instance"), BAOCAO_SECURE_COOKIES="false"
    )
    log = tmp_path / "serve.log"
    output = log.open("w")  # a file, not an undrained pipe (see demo_server)
    proc = subprocess.Popen(
        [sys.executable, "-m", "baocao.platform.cli", "serve", "--bind",
         f"127.0.0.1:{port}", "--workers", "1"],
        env=env, stdout=output, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "serve did not answer"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/") as page:
                    assert "Đăng nhập" in page.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        output.close()


def test_serve_refuses_several_workers_without_mongodb(tmp_path: Path) -> None:
    env = _clean_env(BAOCAO_INSTANCE_DIR=str(tmp_path / "instance"))
    done = _cli("serve", "--workers", "3", env=env)
    assert done.returncode == 1
    assert "SV003" in done.stderr
