"""The web app core: login, CSRF, cookies, rate limits, roles, layout (issue #2 §4-5, §9)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from baocao.platform.extensions import db
from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.security import BaocaoUser, role_permissions, sync_security

PASSWORD = "Matkhau-kiem-thu-2026"


def test_login_through_the_form_reaches_the_home_page(client, auth, make_user) -> None:
    make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    response = auth.login("28249.nhaplieu")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "28249.nhaplieu" in page
    assert ROLE_NAMES[Role.DATA_ENTRY] in page


def test_wrong_password_does_not_log_in(client, auth, make_user) -> None:
    make_user("28249.lanhdao", Role.APPROVER, "28249")
    auth.login("28249.lanhdao", "sai-mat-khau-123")
    assert "28249.lanhdao" not in client.get("/").get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, make_user) -> None:
    make_user("28249.gui", Role.SENDER, "28249")
    response = client.post("/login/", data={"username": "28249.gui", "password": PASSWORD})
    assert response.status_code == 400
    assert "28249.gui" not in client.get("/").get_data(as_text=True)


def test_every_page_has_demo_banner_and_incident_contact(client) -> None:
    for path in ("/", "/login/"):
        page = client.get(path).get_data(as_text=True)
        assert "Chế độ trình diễn: dữ liệu không được lưu" in page
        assert "congantinh@dongthap.gov.vn" in page
        assert "Số 152, đường Đinh Bộ Lĩnh, Phường Mỹ Phong" in page


def test_session_cookie_is_secure_httponly_and_samesite(app_factory) -> None:
    app = app_factory(secure_cookies=True)
    response = app.test_client().get("/login/", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_attempts_are_rate_limited(app_factory) -> None:
    app = app_factory(login_rate_limit="3 per minute")
    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    statuses = [
        client.post(
            "/login/", data={"username": "x", "password": "y", "csrf_token": token}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [302, 302, 302]  # back to the form with a message
    assert statuses[3:] == [429, 429]


def test_password_policy_refuses_weak_passwords(app: Flask) -> None:
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    policy = app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"]
    for weak in ("ngan1", "chicochuthoi", "12345678901", "Password123"):
        with pytest.raises(PasswordComplexityValidationError):
            policy(weak)
    policy(PASSWORD)


def test_data_entry_cannot_open_the_account_list(client, auth, make_user) -> None:
    make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    auth.login("28249.nhaplieu")
    assert client.get("/users/list/").status_code == 403


def test_system_admin_can_open_the_account_list(client, auth, make_user) -> None:
    make_user("admin", Role.SYSADMIN)
    auth.login("admin")
    page = client.get("/users/list/")
    assert page.status_code == 200
    assert "admin" in page.get_data(as_text=True)


def test_accounts_keep_their_unit_code(app: Flask, make_user) -> None:
    make_user("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN")
    with app.app_context():
        user = db.session.scalar(select(BaocaoUser).filter_by(username="SKHCN.tonghop"))
        assert user.unit_code == "SKHCN"
        assert [r.name for r in user.roles] == [ROLE_NAMES[Role.AGGREGATOR]]


def test_each_role_has_exactly_its_computed_permissions(app: Flask) -> None:
    """FAB roles get what role_permissions computes: no more, no less."""
    with app.app_context():
        sm = app.appbuilder.sm
        expected = role_permissions(app.appbuilder)
        for role, wanted in expected.items():
            fab_role = sm.find_role(ROLE_NAMES[role])
            actual = {(p.permission.name, p.view_menu.name) for p in fab_role.permissions}
            assert actual == wanted, role
        data_entry = expected[Role.DATA_ENTRY]
        assert ("can_list", "UserDBModelView") not in data_entry
        assert ("can_get", "Units") in data_entry


def test_sync_security_twice_adds_no_rows(app: Flask) -> None:
    def counts() -> tuple[int, ...]:
        with app.app_context():
            sm = app.appbuilder.sm
            models = (sm.permissionview_model, sm.viewmenu_model, sm.permission_model, sm.role_model)
            return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)

    before = counts()
    sync_security(app)
    assert counts() == before


def test_english_is_selectable_and_vietnamese_is_default(client: FlaskClient) -> None:
    assert "Đăng nhập" in client.get("/login/").get_data(as_text=True)
    client.get("/lang/en")
    assert "Sign In" in client.get("/login/").get_data(as_text=True)


def test_upload_size_is_capped(app_factory) -> None:
    app = app_factory(max_upload_mb=1)
    response = app.test_client().post("/login/", data=b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413
