"""REST API skeleton (DESIGN.md §8): token login, /api/v1/units, OpenAPI, Swagger UI."""

from __future__ import annotations

import pytest

from baocao.platform.roles import Role
from baocao.platform.services.units import seed_dongthap


@pytest.fixture
def seeded(app):  # noqa: ANN201
    with app.app_context():
        seed_dongthap()
    return app


def _get(client, path: str, token: str):  # noqa: ANN001, ANN202
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_units_needs_a_token(client, seeded) -> None:
    response = client.get("/api/v1/units?kind=commune")
    assert response.status_code == 401


def test_system_admin_lists_the_102_communes(client, seeded, make_user, api_token) -> None:
    """Issue #2 done-when: 102 communes (82 xã, 20 phường) with a token."""
    make_user("admin", Role.SYSADMIN)
    response = _get(client, "/api/v1/units?kind=commune", api_token("admin"))
    assert response.status_code == 200
    body = response.json
    assert body["count"] == len(body["items"]) == 102
    assert {item["kind"] for item in body["items"]} == {"commune"}
    assert set(body["items"][0]) == {"code", "name", "kind", "parent"}
    names = [item["name"] for item in body["items"]]
    assert sum(name.startswith("Xã ") for name in names) == 82
    assert sum(name.startswith("Phường ") for name in names) == 20


def test_filters_by_kind_and_parent(client, seeded, make_user, api_token) -> None:
    make_user("admin", Role.SYSADMIN)
    token = api_token("admin")
    province = _get(client, "/api/v1/units?kind=province", token).json
    assert [(u["code"], u["parent"]) for u in province["items"]] == [("82", None)]
    departments = _get(client, "/api/v1/units?kind=department", token).json
    assert departments["count"] == 12
    children = _get(client, "/api/v1/units?parent=82", token).json
    assert children["count"] == 12 + 102
    assert {u["parent"] for u in children["items"]} == {"82"}


def test_unknown_kind_is_a_400(client, seeded, make_user, api_token) -> None:
    make_user("admin", Role.SYSADMIN)
    response = _get(client, "/api/v1/units?kind=village", api_token("admin"))
    assert response.status_code == 400
    assert "village" in response.json["message"]


def test_every_role_may_read_the_directory(client, seeded, make_user, api_token) -> None:
    make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    response = _get(client, "/api/v1/units?kind=department", api_token("28249.nhaplieu"))
    assert response.status_code == 200
    assert response.json["count"] == 12


def test_bad_credentials_get_no_token(client, make_user) -> None:
    make_user("admin", Role.SYSADMIN)
    response = client.post(
        "/api/v1/security/login",
        json={"username": "admin", "password": "sai-mat-khau-2026", "provider": "db"},
    )
    assert response.status_code == 401


def test_openapi_document_and_swagger_ui(client, make_user, auth) -> None:
    assert client.get("/api/v1/_openapi").status_code == 401
    make_user("admin", Role.SYSADMIN)
    auth.login("admin")
    openapi = client.get("/api/v1/_openapi")
    assert openapi.status_code == 200
    assert "/api/v1/units" in openapi.json["paths"]
    swagger = client.get("/swagger/v1")
    assert swagger.status_code == 200
    assert "swagger" in swagger.get_data(as_text=True).lower()


def test_cookie_session_api_posts_need_the_csrf_token(client, make_user, auth) -> None:
    """A forged cross-site POST rides on the session cookie: it must be refused."""
    make_user("admin", Role.SYSADMIN)
    auth.login("admin")
    response = client.post("/api/v1/security/refresh")
    assert response.status_code == 400
