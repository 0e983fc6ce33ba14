"""Dashboard panels, their CSV export, the public page and who configures what.

Issue #7 item 4 (Đ.3.7, Đ.18.6): real FAB accounts logged in through the login
form; the world of ``conftest.py`` (accepted reports on two form versions).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models import Dashboard
from baocao.platform.roles import Role
from baocao.platform.services import dashboards, indicators
from flask.testing import FlaskClient
from support import switches_to_english

NOW = datetime(2026, 4, 25, 3, 0, tzinfo=UTC)
#: The token of the domain pages' forms (``_macros.html`` ``csrf()``).
PAGE_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def page_token(client: FlaskClient, path: str) -> str:
    match = PAGE_CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def board(app: Any, world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """SL_LUA (not public), SL_LUA_CK (public) and a dashboard with one panel per kind."""
    make_user("admin", Role.SYSADMIN, None)
    for username, role, unit in (
        ("SKHCN.xem", Role.VIEWER, "SKHCN"),
        ("SKHCN.admin", Role.UNIT_ADMIN, "SKHCN"),
        ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
        ("28249.admin", Role.UNIT_ADMIN, "28249"),
    ):
        make_user(username, role, unit)
    admin = app.appbuilder.sm.find_user("admin")
    indicators.create_indicator(
        {
            "code": "SL_LUA",
            "name": "Sản lượng lúa",
            "unit_of_measure": "tấn",
            "owner_unit": "SKHCN",
        },
        actor=admin,
        now=NOW,
    )
    indicators.create_indicator(
        {
            "code": "SL_LUA_CK",
            "name": "Sản lượng lúa công khai",
            "owner_unit": "SKHCN",
            "public": True,
        },
        actor=admin,
        now=NOW,
    )
    found = dashboards.create_dashboard(
        "Điều hành", owner_unit="SKHCN", actor=admin, now=NOW
    )
    panels = {
        kind: dashboards.add_panel(
            found,
            {"kind": kind, "indicator": "SL_LUA", "regime": str(world["regime"].pk)},
            actor=admin,
            now=NOW,
        )["id"]
        for kind in ("indicator_time", "units_ranked", "completeness", "table")
    }
    return {"id": str(found.pk), "panels": panels}


def _data(
    client: FlaskClient, board: dict[str, Any], kind: str, query: str = ""
) -> Any:
    url = f"/bang-dieu-khien/{board['id']}/panels/{board['panels'][kind]}/data{query}"
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def test_time_panel_follows_the_period_filter(
    client: FlaskClient, auth: Any, board: dict[str, Any]
) -> None:
    """BD-1: totals per period across both form versions; the range narrows them."""
    auth.login("SKHCN.xem")
    page = client.get(f"/bang-dieu-khien/{board['id']}").get_data(as_text=True)
    assert "vendor/chartjs/chart.umd.min.js" in page
    every = _data(client, board, "indicator_time")
    assert every["labels"] == ["2026-M01", "2026-M02", "2026-M03"]
    assert every["datasets"][0]["data"] == [150.5, 1414.5, 130.0]
    later = _data(client, board, "indicator_time", "?from=2026-M02&to=2026-M03")
    assert later["labels"] == ["2026-M02", "2026-M03"]
    ranked = _data(client, board, "units_ranked", "?to=2026-M02")
    assert [row[1] for row in ranked["rows"]] == ["28270", "28249", "28261"]


def test_completeness_panel_counts_due_accepted_on_time(
    client: FlaskClient, auth: Any, board: dict[str, Any]
) -> None:
    """BD-2: per period: due, accepted, submitted on time, and the two rates."""
    auth.login("SKHCN.xem")
    rows = _data(client, board, "completeness")["rows"]
    assert rows == [
        ["2026-M01", 2, 2, 2, 100.0, 100.0],
        ["2026-M02", 3, 3, 3, 100.0, 100.0],
        ["2026-M03", 2, 1, 1, 50.0, 50.0],
    ]


def test_panel_csv_export(
    client: FlaskClient, auth: Any, board: dict[str, Any]
) -> None:
    """BD-3: the CSV holds the panel's numbers (decimal point, BOM, one row per unit)."""
    auth.login("SKHCN.xem")
    url = f"/bang-dieu-khien/{board['id']}/panels/{board['panels']['table']}/export.csv"
    response = client.get(url + "?from=2026-M02")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [
        ["Mã đơn vị", "Đơn vị", "2026-M02", "2026-M03"],
        ["28249", "Đơn vị 28249", "120.0", "130.0"],
        ["28261", "Đơn vị 28261", "60.0", ""],
        ["28270", "Đơn vị 28270", "1234.5", ""],
        ["", "Tổng hợp", "1414.5", "130.0"],
    ]


def test_a_commune_sees_only_its_own_numbers(
    client: FlaskClient, auth: Any, board: dict[str, Any]
) -> None:
    """BD-4: the same panels, for a commune's account, hold its unit only."""
    auth.login("28249.nhaplieu")
    table = _data(client, board, "table")
    assert [row[0] for row in table["rows"]] == ["28249", ""]
    assert _data(client, board, "indicator_time")["datasets"][0]["data"] == [
        100.0,
        120.0,
        130.0,
    ]
    assert [r[1] for r in _data(client, board, "completeness")["rows"]] == [1, 1, 1]


def test_public_page_shows_public_indicators_only(
    client: FlaskClient, board: dict[str, Any]
) -> None:
    """BD-5: no login; the non-public indicator is neither listed nor served."""
    page = client.get("/cong-khai/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sản lượng lúa công khai" in text
    assert "/cong-khai/SL_LUA/" not in text
    assert client.get("/cong-khai/SL_LUA/indicator_time/data").status_code == 404
    assert client.get("/cong-khai/SL_LUA/units_ranked/export.csv").status_code == 404
    assert client.get("/cong-khai/SL_LUA_CK/indicator_time/data").status_code == 200
    assert client.get(f"/bang-dieu-khien/{board['id']}").status_code in (302, 401)


def test_only_admins_of_the_owner_unit_configure(
    client: FlaskClient, auth: Any, board: dict[str, Any]
) -> None:
    """BD-6: a commune's unit admin cannot add a panel to SKHCN's dashboard."""
    auth.login("28249.admin")
    path = f"/bang-dieu-khien/{board['id']}/cau-hinh"
    token = page_token(client, "/bang-dieu-khien/")  # "new dashboard": own unit
    client.post(
        path, data={"kind": "table", "indicator": "SL_LUA", "csrf_token": token}
    )
    assert len(Dashboard.objects.get(id=board["id"]).panels) == 4
    auth.logout()
    auth.login("SKHCN.admin")
    client.post(
        path,
        data={
            "kind": "table",
            "indicator": "SL_LUA",
            "csrf_token": page_token(client, path),
        },
    )
    assert len(Dashboard.objects.get(id=board["id"]).panels) == 5


@pytest.mark.parametrize(
    ("path", "vietnamese", "english"),
    [
        (
            "/bang-dieu-khien/{id}/cau-hinh",
            ("<td>Xếp hạng đơn vị trong một kỳ</td>", ">Bảng số liệu đơn vị × kỳ<"),
            ("<td>Units ranked in one period</td>", ">Table of units × periods<"),
        ),
        ("/chi-tieu/", ("<td>Cộng</td>",), ("<td>Sum</td>",)),
    ],
    ids=["panel-kinds", "indicator-rules"],
)
def test_names_follow_the_language(
    client: FlaskClient,
    auth: Any,
    board: dict[str, Any],
    path: str,
    vietnamese: tuple[str, ...],
    english: tuple[str, ...],
) -> None:
    """I18N-12: panel kinds and indicator aggregation rules read Vietnamese
    (the same words as before), English after choosing English."""
    auth.login("SKHCN.admin")
    url = path.format(id=board["id"])
    switches_to_english(client, url, vietnamese, english)
