"""``GET /api/v1/regimes/{id}/periods/{period}/aggregate`` (DESIGN.md §8, issue #7).

Real FAB accounts and bearer tokens; the regime and submissions are documents
written directly (the workflow's own tests cover how they get accepted); the
form is a shared template compiled by the real compiler, served by a form
loader registered as the form store will register it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from baocao.platform.roles import Role
from flask.testing import FlaskClient

RATIO = "Biểu 01-KTXH!H9"


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


def test_openapi_describes_the_aggregate_endpoints(
    client: FlaskClient, make_user: Any, auth: Any
) -> None:
    """API-6: exports, jobs and the multi-level fill are in the OpenAPI document,
    with the formats of DESIGN.md §8 and the job states."""
    make_user("admin", Role.SYSADMIN)
    auth.login("admin")
    paths = client.get("/api/v1/_openapi").json["paths"]
    base = "/api/v1/regimes/{regime_id}/periods/{period}/aggregate"
    export = paths[f"{base}/export"]["get"]
    formats = next(p for p in export["parameters"] if p["name"] == "format")
    assert formats["schema"]["enum"] == ["xlsx", "csv", "pdf"]
    assert "post" in paths[f"{base}/jobs"]
    job = paths[f"{base}/jobs/{{job_id}}"]["get"]
    assert "queued|running|done|failed" in job["responses"]["200"]["description"]
    assert "get" in paths[f"{base}/jobs/{{job_id}}/file"]
    assert "post" in paths[f"{base}/fill"]
