"""``GET/POST /api/v1/indicators`` and ``.../{code}/series`` (issue #7 item 3)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from baocao.platform.roles import Role
from baocao.platform.services.indicator_errors import IndicatorCode
from baocao.platform.settings import Secret, Settings
from flask.testing import FlaskClient

RICE = {"code": "SL_LUA", "name": "Sản lượng lúa", "unit_of_measure": "tấn",
        "owner_unit": "SKHCN", "group": "Nông nghiệp"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Test settings with a key long enough for HS256 tokens."""
    return dataclasses.replace(settings, secret_key=Secret("kiem-thu-chi-tieu-" * 3))


@pytest.fixture
def bearer(world: dict[str, Any], make_user: Any, api_token: Any) -> Any:
    make_user("SKHCN.thietke", Role.DESIGNER, "SKHCN")
    make_user("28249.thietke", Role.DESIGNER, "28249")
    make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    return lambda user: {"Authorization": f"Bearer {api_token(user)}"}


def test_designer_of_the_owner_unit_adds_and_everyone_lists(
    client: FlaskClient, bearer: Any
) -> None:
    """API-CT-1: 201 for the owner's designer, 403 for another unit, 409 twice."""
    made = client.post("/api/v1/indicators", json=RICE, headers=bearer("SKHCN.thietke"))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["code"] == "SL_LUA"
    other = client.post("/api/v1/indicators", json={**RICE, "code": "X"},
                        headers=bearer("28249.thietke"))
    assert other.status_code == 403
    again = client.post("/api/v1/indicators", json=RICE, headers=bearer("SKHCN.thietke"))
    assert again.status_code == 409
    assert again.get_json() == {
        "code": "CT003", "message": IndicatorCode.CT003.value.msg.format(code="SL_LUA")
    }
    listed = client.get("/api/v1/indicators", headers=bearer("28249.nhaplieu")).get_json()
    assert listed["count"] == 1
    assert listed["items"][0]["unit_of_measure"] == "tấn"


def test_series_is_limited_to_the_caller_s_units(client: FlaskClient, bearer: Any) -> None:
    """API-CT-2: a commune's account sees its own values only."""
    client.post("/api/v1/indicators", json=RICE, headers=bearer("SKHCN.thietke"))
    own = client.get("/api/v1/indicators/SL_LUA/series?from=2026-M02",
                     headers=bearer("28249.nhaplieu")).get_json()
    assert own["units"] == ["28249"]
    assert own["values"] == {"2026-M02": {"28249": 120.0}, "2026-M03": {"28249": 130.0}}
    missing = client.get("/api/v1/indicators/KHONG_CO/series", headers=bearer("28249.nhaplieu"))
    assert missing.status_code == 404
