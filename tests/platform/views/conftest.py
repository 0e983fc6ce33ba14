"""Fixtures of the domain-view tests: the Đồng Tháp tree and accounts per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from baocao.platform.roles import Role
from baocao.platform.services.units import seed_dongthap
from flask import Flask
from flask.testing import FlaskClient
from support import serve

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def units_app(app: Flask) -> Flask:
    """The test app with the Đồng Tháp unit tree seeded."""
    seed_dongthap()
    return app


@pytest.fixture
def accounts(units_app: Flask, make_user: Callable[..., str]) -> dict[str, str]:
    """``admin`` (system admin), one account per role at SKHCN, others elsewhere."""
    made = {"admin": make_user("admin", Role.SYSADMIN)}
    for role in Role:
        if role is not Role.SYSADMIN:
            made[f"SKHCN.{role.value}"] = make_user(
                f"SKHCN.{role.value}", role, "SKHCN"
            )
    made["STC.admin"] = make_user("STC.admin", Role.UNIT_ADMIN, "STC")
    made["STC.nhaplieu"] = make_user("STC.nhaplieu", Role.DATA_ENTRY, "STC")
    made["28249.nhaplieu"] = make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    return made


def form_token(client: FlaskClient, path: str) -> str:
    """The CSRF token printed on the page at ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def token() -> Callable[[FlaskClient, str], str]:
    """``token(client, path)`` → the CSRF token of the form on ``path``."""
    return form_token


@pytest.fixture
def live_server(units_app: Flask) -> Iterator[str]:
    """The app served on a loopback port in a thread; yields its base URL."""
    with serve(units_app) as url:
        yield url
