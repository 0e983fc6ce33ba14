"""Fixtures of the web platform (flaskr's ``app``, ``client``, ``runner``, ``auth``).

Every test gets its own app: a fresh SQLite accounts store in ``tmp_path`` (copied
from one synced once per session, so roles and permission rows are there
without paying for ``sync_security`` each time) and a fresh in-memory mongomock
document store. Factory helpers (``make_user``, ``api_token``) follow CTFd's
``gen_*`` helpers: plain functions taking the app.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mongoengine
import mongomock
import pytest
from baocao.platform.app import create_app
from baocao.platform.extensions import db
from baocao.platform.roles import Role
from baocao.platform.security import ensure_user, sync_security
from baocao.platform.settings import Secret, Settings
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

#: Password of every account made by the factories; passes the password policy.
PASSWORD = "Matkhau-kiem-thu-2026"
#: Fast hashing for tests only; production keeps FAB's scrypt default.
TEST_HASH_METHOD = "pbkdf2:sha256:1000"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_settings(instance_dir: Path, **overrides: object) -> Settings:
    """Settings for a test app: embedded stores, no secure cookies, loose limits."""
    values: dict[str, object] = {
        "instance_dir": instance_dir,
        "secret_key": Secret("kiem-thu-khong-dung-that-" + "x" * 32),
        "secure_cookies": False,
        "login_rate_limit": "1000 per minute",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings.from_env({}, **values)


def build_app(settings: Settings) -> Flask:
    """An app ready for requests (used by fixtures and by tests needing options)."""
    app = create_app(settings)
    app.config.update(TESTING=True, FAB_PASSWORD_HASH_METHOD=TEST_HASH_METHOD)
    # Queued work (what follows a chain move, refreshes, exports) runs inside the
    # call that queues it, so tests see its outcome at once; the tests of the
    # worker itself turn this off.
    app.extensions["celery"].conf.task_always_eager = True
    return app


@pytest.fixture(scope="session")
def synced_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An accounts store with tables, roles and permissions, made once."""
    instance = tmp_path_factory.mktemp("synced")
    app = build_app(make_settings(instance))
    sync_security(app)
    with app.app_context():
        db.engine.dispose()  # closes the last connection: SQLite folds its WAL in
    mongoengine.disconnect()
    return instance / "baocao.db"


@pytest.fixture
def settings(tmp_path: Path, synced_sqlite: Path) -> Settings:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(synced_sqlite, instance / "baocao.db")
    return make_settings(instance)


def close_app(app: Flask) -> None:
    """Stop the embedded worker and drop the document-store connection."""
    worker = getattr(app.extensions["celery"], "embedded_worker", None)
    if worker is not None:
        worker.stop()
    mongoengine.disconnect()


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = build_app(settings)
    yield app
    close_app(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask):
    """``make_user(username, role=Role.DATA_ENTRY, unit_code=None, password=PASSWORD)``."""

    def make(
        username: str,
        role: Role = Role.DATA_ENTRY,
        unit_code: str | None = None,
        password: str = PASSWORD,
    ) -> str:
        ensure_user(app, username, password, role=role, unit_code=unit_code)
        return username

    return make


@pytest.fixture
def api_token(client: FlaskClient):
    """``api_token(username, password=PASSWORD)`` → a bearer token from the API login."""

    def token(username: str, password: str = PASSWORD) -> str:
        response = client.post(
            "/api/v1/security/login",
            json={"username": username, "password": password, "provider": "db"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["access_token"]

    return token


def csrf_token(client: FlaskClient, path: str = "/login/") -> str:
    """The CSRF token of the form at ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def csrf(client: FlaskClient):
    """``csrf(path="/login/")`` → the CSRF token of the form at that path."""
    return lambda path="/login/": csrf_token(client, path)


@pytest.fixture
def password() -> str:
    """The password of every account made by ``make_user``."""
    return PASSWORD


@pytest.fixture
def app_factory(tmp_path: Path, synced_sqlite: Path):
    """``app_factory(**settings_overrides)`` → a fresh, synced app (own instance dir)."""
    made: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        instance = tmp_path / f"instance-{len(made)}"
        instance.mkdir()
        shutil.copyfile(synced_sqlite, instance / "baocao.db")
        made.append(build_app(make_settings(instance, **overrides)))
        return made[-1]

    yield factory
    for app in made:
        close_app(app)


class AuthActions:
    """Log in and out through the real login form (with its CSRF token)."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str, password: str = PASSWORD):
        token = csrf_token(self._client)
        return self._client.post(
            "/login/",
            data={"username": username, "password": password, "csrf_token": token},
        )

    def logout(self):
        return self._client.get("/logout/")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def mongo() -> Iterator[Any]:
    """A connected, empty document database for one test, disconnected afterwards.

    mongomock by default; set ``BAOCAO_TEST_MONGODB_URI`` (e.g.
    ``mongodb://localhost:27017/?replicaSet=rs0``) to run the same tests against a
    real MongoDB, each test in a fresh database (see docs/mongodb.md).
    """
    uri = os.environ.get("BAOCAO_TEST_MONGODB_URI")
    name = f"baocao_test_{uuid.uuid4().hex[:12]}"
    mongoengine.disconnect()  # an app built by an earlier test may still be connected
    if uri:
        mongoengine.connect(db=name, host=uri, uuidRepresentation="standard")
    else:
        mongoengine.connect(
            db=name,
            mongo_client_class=mongomock.MongoClient,
            uuidRepresentation="standard",
        )
    database = mongoengine.get_db()
    yield database
    database.client.drop_database(name)
    mongoengine.disconnect()
