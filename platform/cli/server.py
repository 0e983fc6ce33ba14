"""Sub-commands that run or administer a deployment.

``demo`` (everything embedded, seeded, one command), ``serve`` (gunicorn),
``worker`` (Celery), ``create-admin``, ``import-units``, ``backup`` and ``restore``.
The commands that start a deployment run ``sync_security`` once, under its lock,
before any web worker starts (web workers never write permission rows).
"""

from __future__ import annotations

import argparse
import getpass
import json
import secrets
import string
import sys
import tempfile
from pathlib import Path
from typing import Any

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

DEFAULT_PORT = 8000


class Code(DetailEnum):
    """Command-line error codes."""

    SV001 = Detail(
        "no broker",
        "BAOCAO_BROKER_URL chưa được đặt: khi không có hàng đợi, tiến trình nền chạy "
        "ngay trong tiến trình web. Hãy đặt BAOCAO_BROKER_URL=redis://… để chạy worker riêng.",
    )
    SV002 = Detail(
        "weak password",
        "Mật khẩu không đạt chính sách: {reason}",
    )
    SV003 = Detail(
        "many workers in demo mode",
        "Không dùng được {workers} tiến trình web khi chưa đặt BAOCAO_MONGODB_URI: dữ liệu "
        "trong bộ nhớ không chia sẻ được giữa các tiến trình. Hãy đặt BAOCAO_MONGODB_URI "
        "hoặc dùng --workers 1.",
    )


class ServerCommandError(BaocaoError):
    """A server command cannot run as asked."""

    def __init__(self, code: Code, **fields: object) -> None:
        super().__init__(code.format(**fields), code=code.name)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the baocao parser."""
    demo = subparsers.add_parser(
        "demo", help="chạy bản trình diễn (không cần dịch vụ nào, dữ liệu không được lưu)"
    )
    demo.add_argument("--port", type=int, default=DEFAULT_PORT, help="cổng (mặc định 8000)")
    demo.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe")
    demo.add_argument("--password", help="mật khẩu của mọi tài khoản trình diễn")
    demo.set_defaults(handler=run_demo)

    serve = subparsers.add_parser("serve", help="chạy máy chủ web (gunicorn)")
    serve.add_argument("--bind", default=f"127.0.0.1:{DEFAULT_PORT}")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=4)
    serve.set_defaults(handler=run_serve)

    worker = subparsers.add_parser("worker", help="chạy tiến trình nền Celery")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--pool", default="prefork", choices=("prefork", "solo", "threads"))
    worker.add_argument(
        "--beat",
        action="store_true",
        help="chạy kèm lịch định kỳ (mở kỳ báo cáo); chỉ bật ở MỘT worker",
    )
    worker.set_defaults(handler=run_worker)

    admin = subparsers.add_parser("create-admin", help="tạo (hoặc đặt lại) quản trị hệ thống")
    admin.add_argument("--username", default="admin")
    admin.add_argument("--name", default="Quản trị hệ thống")
    admin.add_argument(
        "--password-stdin", action="store_true", help="đọc mật khẩu từ stdin (không hỏi)"
    )
    admin.set_defaults(handler=run_create_admin)

    units = subparsers.add_parser("import-units", help="nhập danh mục đơn vị từ CSV/.xlsx")
    units.add_argument("file", type=Path)
    units.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    units.set_defaults(handler=run_import_units)

    backup = subparsers.add_parser("backup", help="sao lưu kho tài khoản (PostgreSQL/SQLite)")
    backup.add_argument("output", type=Path)
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser("restore", help="khôi phục kho tài khoản từ bản sao lưu")
    restore.add_argument("input", type=Path)
    restore.set_defaults(handler=run_restore)


def _settings(**overrides: Any) -> Any:
    from baocao.platform.settings import Settings

    return Settings.from_env(**overrides)


def _app(settings: Any, *, sync: bool) -> Any:
    from baocao.platform.app import create_app
    from baocao.platform.security import sync_security

    app = create_app(settings)
    if sync:
        sync_security(app)
    return app


def _check_password(password: str) -> None:
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    from baocao.platform.security import check_password

    try:
        check_password(password)
    except PasswordComplexityValidationError as err:
        raise ServerCommandError(Code.SV002, reason=str(err)) from err


def random_password() -> str:
    """A policy-compliant random password that is easy to type."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{body[:6]}-{body[6:]}{secrets.choice(string.digits)}a"


def run_demo(args: argparse.Namespace) -> int:
    """Seed units and accounts into embedded stores and serve on 127.0.0.1."""
    import dataclasses
    import os
    from datetime import UTC, datetime

    from baocao.platform.demo import seed_demo
    from baocao.platform.demo_signing import (
        banner_lines,
        register_demo_certificates,
        write_demo_pki,
    )
    from baocao.platform.exchange import demo as exchange_demo

    overrides: dict[str, Any] = {"secure_cookies": False}
    if "BAOCAO_INSTANCE_DIR" not in os.environ:
        overrides["instance_dir"] = Path(tempfile.mkdtemp(prefix="baocao-demo-"))
    settings = _settings(**overrides)
    double = None
    if not settings.exchange_url:  # a labelled local double of the national system
        more, double = exchange_demo.prepare(settings.instance_dir, datetime.now(UTC))
        settings = _settings(**overrides, **more)
    password = args.password or (
        settings.demo_password.reveal() if settings.demo_password else None
    )
    generated = password is None
    password = password or random_password()
    started = datetime.now(UTC)
    demo_signing = write_demo_pki(settings.instance_dir, password, started)
    settings = dataclasses.replace(
        settings, trust_roots=(*settings.trust_roots, demo_signing.root)
    )
    app = _app(settings, sync=True)
    delivery = exchange_demo.start(app, double)  # the outbox, delivered in this process
    report = seed_demo(app, password)
    register_demo_certificates(app, demo_signing, password, started)
    url = f"http://{args.host}:{args.port}/"
    _print_demo_banner(url, report, password if generated else None)
    print("\n".join(banner_lines(demo_signing)), flush=True)
    print(exchange_demo.banner_line(settings.exchange_url), flush=True)
    # No Celery beat in the demo: the same periodic jobs (opening periods,
    # reminders, outbox retries) run from a thread of this process.
    from baocao.platform.scheduler import start_in_process_beat

    beat = start_in_process_beat(app)
    try:
        _serve_demo(app, args.host, args.port)
    finally:
        beat.stop()
        delivery.stop()
        if double is not None:
            double.stop()
    return 0


def _print_demo_banner(url: str, report: Any, password: str | None) -> None:
    lines = [
        "",
        "Hệ thống thông tin báo cáo — bản trình diễn",
        "Chế độ trình diễn: dữ liệu không được lưu.",
        f"Đơn vị: {report.units} · tài khoản: {len(report.accounts)}",
        "Tài khoản: admin (quản trị hệ thống) và <mã đơn vị>.<vai trò>, ví dụ "
        "28249.nhaplieu, SKHCN.tonghop",
        f"Mật khẩu: {password}" if password else "Mật khẩu: như đã cho (--password / "
        "BAOCAO_DEMO_PASSWORD)",
        f"Mở trình duyệt: {url}",
        "",
    ]
    print("\n".join(lines), flush=True)


def _serve_demo(app: Any, host: str, port: int) -> None:
    """The embedded server: one process, so the in-memory stores are shared."""
    from baocao.platform.embedded_server import embedded_server
    from baocao.platform.tasks import start_embedded_worker

    server = embedded_server(app, host, port)
    start_embedded_worker(app)
    print(
        f"Đang phục vụ tại http://{host}:{server.effective_port}/ (Ctrl+C để dừng)",
        flush=True,
    )
    try:
        server.run()
    finally:
        server.close()


def run_serve(args: argparse.Namespace) -> int:
    """Sync permissions once, then fork gunicorn workers that each build the app."""
    from gunicorn.app.base import BaseApplication

    settings = _settings()
    if settings.demo_mode and args.workers > 1:
        raise ServerCommandError(Code.SV003, workers=args.workers)
    _app(settings, sync=True)

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", args.bind)
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return _app(settings, sync=False)

    _Gunicorn().run()
    return 0


def run_worker(args: argparse.Namespace) -> int:
    """A Celery worker on the configured broker."""
    settings = _settings()
    if settings.broker_url is None:
        raise ServerCommandError(Code.SV001)
    app = _app(settings, sync=False)
    celery_app = app.extensions["celery"]
    celery_app.worker_main(
        [
            "worker",
            f"--loglevel={settings.log_level}",
            f"--concurrency={args.concurrency}",
            f"--pool={args.pool}",
            "--without-gossip",
            "--without-mingle",
            *(["--beat"] if args.beat else []),
        ]
    )
    return 0


def run_create_admin(args: argparse.Namespace) -> int:
    """Create the system admin, or reset its password."""
    from baocao.platform.roles import Role
    from baocao.platform.security import ensure_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            print("Lỗi: hai lần nhập không khớp.", file=sys.stderr)
            return 1
    _check_password(password)
    app = _app(_settings(), sync=True)
    ensure_user(app, args.username, password, role=Role.SYSADMIN, full_name=args.name)
    print(f"Đã tạo tài khoản quản trị hệ thống {args.username}.")
    return 0


def run_import_units(args: argparse.Namespace) -> int:
    """Import units from a CSV/.xlsx file through the units service."""
    from baocao.platform.services.units import import_units

    data = args.file.read_bytes()
    settings = _settings()
    app = _app(settings, sync=False)
    if settings.demo_mode and not args.dry_run:
        print(
            "Cảnh báo: BAOCAO_MONGODB_URI chưa đặt, kết quả nhập chỉ nằm trong bộ nhớ.",
            file=sys.stderr,
        )
    with app.app_context():
        report = import_units(data, args.file.name, dry_run=args.dry_run)
    summary = {
        "file": report.filename,
        "stored": report.stored,
        "created": report.count("create"),
        "updated": report.count("update"),
        "unchanged": report.count("unchanged"),
        "errors": report.errors,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    return 0 if report.ok else 1


def run_backup(args: argparse.Namespace) -> int:
    """Write a backup of the accounts store."""
    from baocao.platform.backup import backup_sql

    settings = _settings()
    path = backup_sql(settings.sqlalchemy_uri, args.output)
    print(f"Đã sao lưu kho tài khoản vào {path}.")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Replace the accounts store with a backup."""
    from baocao.platform.backup import restore_sql

    settings = _settings()
    restore_sql(settings.sqlalchemy_uri, args.input)
    print(f"Đã khôi phục kho tài khoản từ {args.input}.")
    return 0
