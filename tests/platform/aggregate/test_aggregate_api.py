"""``GET /api/v1/regimes/{id}/periods/{period}/aggregate`` (DESIGN.md §8, issue #7).

Real FAB accounts and bearer tokens; the regime and submissions are documents
written directly (the workflow's own tests cover how they get accepted); the
form is a shared template compiled by the real compiler, served by a form
loader registered as the form store will register it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.models import Unit
from baocao.platform.models.workflow import Regime, Submission, encode_keys
from baocao.platform.roles import Role
from baocao.platform.settings import Secret, Settings
from flask.testing import FlaskClient

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
TEMPLATE = "bieu01_ktxh"
RATIO = "Biểu 01-KTXH!H9"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The web app's test settings with a key long enough for HS256 tokens."""
    return dataclasses.replace(settings, secret_key=Secret("kiem-thu-tong-hop-" * 3))


def _unit(code: str, kind: str, parent: str | None) -> None:
    path = (
        code if parent is None else f"{Unit.objects(code=parent).first().path}/{code}"
    )
    Unit(
        code=code,
        name=code,
        kind=kind,
        parent=parent,
        path=path,
        valid_from=datetime(2020, 1, 1),
    ).save()


def _submission(regime: str, unit: str, state: str, data: dict[str, Any]) -> None:
    Submission(
        regime_id=regime,
        period_key="2026-M03",
        unit=unit,
        form_id="f1",
        form_version=1,
        data=encode_keys(data),
        state=state,
        created_at=NOW,
        updated_at=NOW,
    ).save()


@pytest.fixture
def world(
    app: Any, client: FlaskClient, make_user: Any, api_token: Any, shared_dir: Path
) -> dict[str, Any]:
    """Province 82 → SKHCN (receiving) and communes; two accepted, one returned."""
    templates = shared_dir / "templates"
    compiled = compile_workbook((templates / f"{TEMPLATE}.xlsx").read_bytes())
    scenarios = [
        json.loads((templates / f"{TEMPLATE}.{k}.inputs.json").read_text("utf-8"))
        for k in (0, 1, 3)
    ]
    app.extensions["baocao_form_loader"] = lambda form_id, version: compiled
    with app.app_context():
        _unit("82", "province", None)
        _unit("SKHCN", "department", "82")
        for code in ("28249", "28261", "28270", "28273"):
            _unit(code, "commune", "82")
        make_user("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN")
        make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
        regime = Regime(
            name="Báo cáo KT-XH tháng",
            kind="dinh_ky",
            content="numeric",
            reporting_units={
                "mode": "list",
                "codes": ["28249", "28261", "28270", "28273"],
            },
            receiving_unit="SKHCN",
            frequency="month",
            form_id="f1",
            form_version=1,
            status="published",
            created_by="SKHCN.thietke",
            created_at=NOW,
        ).save()
        regime_id = str(regime.pk)
        _submission(regime_id, "28249", "accepted", scenarios[0])
        _submission(regime_id, "28261", "accepted", scenarios[1])
        _submission(regime_id, "28270", "returned", scenarios[2])
    return {"regime": regime_id, "scenarios": scenarios, "token": api_token}


def _get(client: FlaskClient, world: dict[str, Any], user: str, path: str) -> Any:
    token = world["token"](user)
    url = f"/api/v1/regimes/{world['regime']}/periods/2026-M03/aggregate{path}"
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_aggregate_of_accepted_submissions(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    """API-1: only accepted submissions count; ratios recomputed; missing listed."""
    response = _get(client, world, "SKHCN.tonghop", "")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["units_included"] == ["28249", "28261"]
    assert body["units_missing"] == ["28270", "28273"]
    first, second = world["scenarios"][0], world["scenarios"][1]
    for address in first:
        expected = first[address] + second.get(address, 0)
        assert body["values"][address] == pytest.approx(expected, rel=1e-12)
    assert RATIO in body["computed"]


def test_drill_down(client: FlaskClient, world: dict[str, Any]) -> None:
    """API-2: one cell's values per unit, blanks and missing units."""
    address = "Biểu 01-KTXH!D10"
    response = _get(client, world, "SKHCN.tonghop", f"/contributions?cell={address}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    first, second = world["scenarios"][0], world["scenarios"][1]
    assert body["rule"] == "sum"
    assert body["values"] == {
        u: d[address] for u, d in (("28249", first), ("28261", second)) if address in d
    }
    assert body["missing"] == ["28270", "28273"]


def test_data_entry_may_not_aggregate(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    """API-3: aggregates are for the aggregator of the scope unit."""
    assert _get(client, world, "28249.nhaplieu", "").status_code == 403


def test_unknown_cell(client: FlaskClient, world: dict[str, Any]) -> None:
    """API-4: drilling into a cell outside the form is a 422 with code AG005."""
    response = _get(client, world, "SKHCN.tonghop", "/contributions?cell=X!A1")
    assert response.status_code == 422
    assert response.get_json()["code"] == "AG005"


def test_export_csv(client: FlaskClient, world: dict[str, Any]) -> None:
    """API-5: long-form CSV of the aggregate, then of each included unit."""
    response = _get(client, world, "SKHCN.tonghop", "/export?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["unit", "period", "sheet", "cell", "indicator", "label", "value"]
    by_unit = {(r[0], r[3]): r[6] for r in rows[1:]}
    assert {r[0] for r in rows[1:]} == {"SKHCN", "28249", "28261"}
    first, second = world["scenarios"][0], world["scenarios"][1]
    total = first["Biểu 01-KTXH!D10"] + second.get("Biểu 01-KTXH!D10", 0)
    assert float(by_unit[("SKHCN", "D10")]) == pytest.approx(total)
    assert float(by_unit[("28249", "D10")]) == pytest.approx(first["Biểu 01-KTXH!D10"])
    refused = _get(client, world, "SKHCN.tonghop", "/export?format=docx")
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "AG011"
