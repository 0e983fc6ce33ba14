"""RBAC matrix of the domain views (issue 2 items 5, 7, 11): role x page x unit.

Every role logs in through the real login form and requests every page; the
expected answer is 200 where the matrix allows it and a denial (403, 404, or
the login redirect) everywhere else. A unit admin sees, creates and edits
nothing outside its own unit subtree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from baocao.platform.roles import Role
from flask.testing import FlaskClient

EVERY = frozenset(Role)
SYS = frozenset({Role.SYSADMIN})
ADMINS = frozenset({Role.SYSADMIN, Role.UNIT_ADMIN})

#: page → roles (of an account at SKHCN) that get 200.
PAGES: dict[str, frozenset[Role]] = {
    "/don-vi/": EVERY,
    "/don-vi/SKHCN": EVERY,
    "/don-vi/quan-tri/tao": SYS,
    "/don-vi/quan-tri/SKHCN/sua": SYS,
    "/don-vi/quan-tri/SKHCN/sap-nhap": SYS,
    "/don-vi/quan-tri/nhap": SYS,
    "/tai-khoan/": ADMINS,
    "/tai-khoan/tao": ADMINS,
    "/tai-khoan/SKHCN.nhaplieu": ADMINS,
    "/tai-khoan/SKHCN.nhaplieu/sua": ADMINS,
    "/tai-khoan/STC.nhaplieu": SYS,
    "/tai-khoan/STC.nhaplieu/sua": SYS,
    "/tai-khoan/STC.admin": SYS,
    "/tai-khoan/28249.nhaplieu": SYS,
    "/nhat-ky/": ADMINS,
    "/ho-tro/": EVERY,
    "/ho-tro/quan-ly/": SYS,
    "/thong-bao/": SYS,
}


def _login_name(role: Role) -> str:
    return "admin" if role is Role.SYSADMIN else f"SKHCN.{role.value}"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_page_matrix(
    accounts: dict[str, str], client: FlaskClient, auth: Any, role: Role
) -> None:
    assert auth.login(_login_name(role)).status_code == 302
    wrong = []
    for path, allowed in PAGES.items():
        status = client.get(path).status_code
        ok = status == 200
        if ok is not (role in allowed) or status not in (200, 302, 403, 404):
            wrong.append((path, status, role in allowed))
    assert wrong == []


def test_anonymous_is_sent_to_login(
    accounts: dict[str, str], client: FlaskClient
) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response.location, path


def test_unit_admin_list_shows_only_its_subtree(
    accounts: dict[str, str], client: FlaskClient, auth: Any
) -> None:
    """Zero leaks: no account of another unit appears, even when searched for."""
    auth.login("SKHCN.admin")
    for url in (
        "/tai-khoan/",
        "/tai-khoan/?q=STC",
        "/tai-khoan/?unit=STC",
        "/tai-khoan/?q=nhaplieu",
        "/nhat-ky/",
    ):
        page = client.get(url).get_data(as_text=True)
        for other in ("STC.admin", "STC.nhaplieu", "28249.nhaplieu", ">admin<"):
            assert other not in page, (url, other)
    assert "SKHCN.nhaplieu" in client.get("/tai-khoan/").get_data(as_text=True)


def test_unit_admin_cannot_create_or_edit_outside(
    accounts: dict[str, str],
    client: FlaskClient,
    auth: Any,
    token: Callable[[FlaskClient, str], str],
    password: str,
) -> None:
    auth.login("SKHCN.admin")
    csrf = token(client, "/tai-khoan/tao")
    outside = client.post(
        "/tai-khoan/tao",
        data={
            "csrf_token": csrf,
            "username": "stc.moi",
            "full_name": "Nguyễn Văn A",
            "email": "a@stc.vn",
            "unit_code": "STC",
            "roles": ["nhaplieu"],
            "password": password,
        },
    )
    assert outside.status_code == 403
    assert "Bạn không có quyền quản lý tài khoản của đơn vị này." in outside.get_data(
        as_text=True
    )
    admin_role = client.post(
        "/tai-khoan/tao",
        data={
            "csrf_token": csrf,
            "username": "skhcn.admin2",
            "full_name": "Nguyễn Văn B",
            "email": "b@skhcn.vn",
            "unit_code": "SKHCN",
            "roles": ["admin"],
            "password": password,
        },
    )
    assert admin_role.status_code == 422
    for path, data in [
        (
            "/tai-khoan/STC.nhaplieu/sua",
            {"full_name": "X", "email": "x@x.vn", "roles": ["nhaplieu"]},
        ),
        ("/tai-khoan/STC.nhaplieu/khoa", {"active": "0", "reason": "thử"}),
        ("/tai-khoan/STC.nhaplieu/chuyen", {"new_unit": "SKHCN", "reason": "thử"}),
        ("/tai-khoan/STC.nhaplieu/mat-khau", {"password": password}),
        ("/tai-khoan/STC.nhaplieu/quyen", {"unit_code": "SKHCN", "roles": ["xem"]}),
        ("/tai-khoan/SKHCN.nhaplieu/quyen", {"unit_code": "STC", "roles": ["xem"]}),
        ("/tai-khoan/SKHCN.nhaplieu/chuyen", {"new_unit": "STC", "reason": "thử"}),
    ]:
        response = client.post(path, data={"csrf_token": csrf, **data})
        assert response.status_code in (403, 404), path
    auth.logout()
    auth.login("STC.nhaplieu", password)
    assert client.get("/").status_code == 200


def test_forms_require_csrf(
    accounts: dict[str, str], client: FlaskClient, auth: Any
) -> None:
    auth.login("admin")
    for path in (
        "/don-vi/quan-tri/tao",
        "/tai-khoan/tao",
        "/ho-tro/",
        "/thong-bao/",
        "/don-vi/quan-tri/SKHCN/ngung",
    ):
        assert client.post(path, data={"name": "x"}).status_code == 400, path
