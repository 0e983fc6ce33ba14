"""Exports of an aggregate: .xlsx with a sheet per unit, long-form CSV over
several periods, PDF; background jobs with progress; API and permissions.

Celery runs eagerly (``world`` fixture): a job queued by a request is finished
when the request returns.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import compile_workbook
from baocao.platform import db as documents
from baocao.platform.models.aggregate import ExportJob
from baocao.platform.models.workflow import Submission
from baocao.platform.services import aggregate_exports as exports
from flask.testing import FlaskClient
from pyhanko.pdf_utils.reader import PdfFileReader
from support import ROOT

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
SHEET = "Biểu 01-KTXH"
REPEAT_TEMPLATE = ROOT / "tests" / "fixtures" / "xlsx" / "projects_repeat.xlsx"
CELL, RATIO = "D10", "H9"
HEADER = ["unit", "period", "sheet", "cell", "indicator", "label", "value"]


def _api(client: FlaskClient, world: dict[str, Any], user: str) -> Any:
    headers = {"Authorization": f"Bearer {world['token'](user)}"}
    base = f"/api/v1/regimes/{world['regime']}/periods/2026-M03/aggregate"

    def call(method: str, tail: str, **kwargs: Any) -> Any:
        return client.open(base + tail, method=method, headers=headers, **kwargs)

    return call


def _book(data: bytes, *, values: bool = False) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=values)


def test_xlsx_has_the_template_layout_and_a_sheet_per_unit(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    """AGX-1: the template's sheet holds the aggregate (formulas kept, results
    cached), then one sheet per included unit with its own values."""
    response = _api(client, world, "SKHCN.tonghop")("GET", "/export?format=xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    formulas, values = _book(response.data), _book(response.data, values=True)
    assert formulas.sheetnames == [SHEET, "28249 28249", "28261 28261"]
    first, second = world["scenarios"][0], world["scenarios"][1]
    key = f"{SHEET}!{CELL}"
    total = first[key] + second.get(key, 0)
    assert values[SHEET][CELL].value == pytest.approx(total)
    assert str(formulas[SHEET][RATIO].value).startswith("=")
    aggregate = world["compiled_calculator"]([first, second])
    assert values[SHEET][RATIO].value == pytest.approx(aggregate[f"{SHEET}!{RATIO}"])
    assert values["28249 28249"][CELL].value == pytest.approx(first[key])
    assert values["28261 28261"][CELL].value == second.get(key)
    unit_ratio = world["unit_calculator"](first)[f"{SHEET}!{RATIO}"]
    assert formulas["28249 28249"][RATIO].value == pytest.approx(unit_ratio)


def test_long_csv_over_several_periods(
    app: Any, client: FlaskClient, world: dict[str, Any]
) -> None:
    """AGX-2: one header, then the aggregate's and every unit's rows of each
    period (unit, period, sheet, cell, indicator, label, value)."""
    with app.app_context():
        world["add"](
            world["regime"], "28249", "accepted", {f"{SHEET}!{CELL}": 5}, "2026-M02"
        )
    call = _api(client, world, "SKHCN.tonghop")
    response = call("GET", "/export?format=csv&periods=2026-M02,2026-M03")
    assert response.status_code == 200
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    )
    assert rows[0] == HEADER and HEADER not in rows[1:]
    blocks = {(r[0], r[1]) for r in rows[1:]}
    assert blocks == {
        ("SKHCN", "2026-M02"),
        ("28249", "2026-M02"),
        ("SKHCN", "2026-M03"),
        ("28249", "2026-M03"),
        ("28261", "2026-M03"),
    }
    value = {(r[0], r[1], r[3]): r[6] for r in rows[1:]}
    assert float(value[("SKHCN", "2026-M02", CELL)]) == 5
    refused = call("GET", "/export?format=xlsx&periods=2026-M02,2026-M03")
    assert refused.status_code == 422 and refused.get_json()["code"] == "AG013"


def test_pdf_of_the_aggregate(client: FlaskClient, world: dict[str, Any]) -> None:
    """AGX-3: a PDF of the aggregate in the form's layout, titled as such."""
    response = _api(client, world, "SKHCN.tonghop")("GET", "/export?format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfFileReader(io.BytesIO(response.data))
    assert reader.root["/Pages"]["/Count"] >= 1
    assert str(reader.trailer_view["/Info"]["/Title"]).startswith("TỔNG HỢP")


def test_job_through_the_api(client: FlaskClient, world: dict[str, Any]) -> None:
    """AGX-4: POST a job (202), follow it to done at 100 %, download the file;
    another user sees neither the job nor its file (404)."""
    call = _api(client, world, "SKHCN.tonghop")
    started = call("POST", "/jobs", json={"format": "xlsx"})
    assert started.status_code == 202, started.get_json()
    job_id = started.get_json()["id"]
    job = call("GET", f"/jobs/{job_id}").get_json()
    assert (job["state"], job["progress"]) == ("done", 100)
    assert job["filename"].endswith(".xlsx") and job["size"] > 0
    got = call("GET", f"/jobs/{job_id}/file")
    assert got.status_code == 200
    assert _book(got.data).sheetnames == [SHEET, "28249 28249", "28261 28261"]
    other = _api(client, world, "STC.tonghop")
    assert other("GET", f"/jobs/{job_id}").status_code == 404
    assert other("GET", f"/jobs/{job_id}/file").status_code == 404


def test_failed_job_leaves_no_file(
    app: Any, client: FlaskClient, world: dict[str, Any]
) -> None:
    """AGX-5: when the template cannot be loaded the job fails with AG015 and a
    Vietnamese message; no file is stored and the download is refused (409)."""

    def missing(form_id: str, version: int | None) -> bytes:
        raise LookupError(form_id)

    app.extensions["baocao_form_source"] = missing
    call = _api(client, world, "SKHCN.tonghop")
    job = call("POST", "/jobs", json={"format": "xlsx"}).get_json()
    assert job["state"] == "failed" and job["error_code"] == "AG015"
    assert "Không tải được tệp mẫu" in job["error"]
    assert call("GET", f"/jobs/{job['id']}/file").status_code == 409
    with app.app_context():
        assert ExportJob.objects.get(pk=job["id"]).file_id is None
        assert documents.get_db()[f"{exports.BUCKET}.files"].count_documents({}) == 0


def test_progress_is_reported_while_exporting(app: Any, world: dict[str, Any]) -> None:
    """AGX-6: the export reports growing percentages, one step per period."""
    seen: list[int] = []
    with app.app_context():
        made = exports.export_aggregate(
            world["regime"],
            ["2026-M02", "2026-M03"],
            None,
            "csv",
            load_form=app.extensions["baocao_form_loader"],
            load_source=None,
            now=NOW,
            progress=seen.append,
        )
    assert seen == sorted(seen) and len(seen) == 3 and seen[-1] == 95
    assert made.filename.endswith(".csv")


@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("GET", "/export?format=xlsx", None),
        ("GET", "/export?format=pdf", None),
        ("POST", "/jobs", {"format": "csv"}),
    ],
    ids=["xlsx", "pdf", "job"],
)
def test_other_unit_may_not_export(
    client: FlaskClient, world: dict[str, Any], method: str, tail: str, body: Any
) -> None:
    """AGX-7: another department's aggregator gets 403 and no job is made."""
    call = _api(client, world, "STC.tonghop")
    response = call(method, tail, json=body)
    assert response.status_code == 403


def test_page_starts_a_job_and_serves_the_file(
    client: FlaskClient, auth: Any, world: dict[str, Any]
) -> None:
    """AGX-8: the page's JSON endpoints: start (CSRF required), follow, download."""
    auth.login("SKHCN.tonghop")
    page = f"/tong-hop/{world['regime']}/2026-M03"
    found = re.search(r'data-csrf-token="([^"]+)"', client.get(page).get_data(True))
    assert found
    token = found.group(1)
    url = f"{page}/xuat"
    assert client.post(url, json={"format": "csv"}).status_code == 400
    started = client.post(url, json={"format": "csv"}, headers={"X-CSRFToken": token})
    assert started.status_code == 202
    job = client.get(f"/tong-hop/xuat/{started.get_json()['id']}").get_json()
    assert job["state"] == "done"
    got = client.get(f"/tong-hop/xuat/{job['id']}/tai-ve")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    bad = client.post(url, json={"format": "docx"}, headers={"X-CSRFToken": token})
    assert bad.status_code == 422 and bad.get_json()["code"] == "AG011"


def test_repeat_group_rows_reach_the_aggregate_and_its_workbook(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    """AGX-R1: on a form with a repeat group, accepted reports with rows are
    aggregated row by row (they were refused with AG003) and the .xlsx export
    writes the combined rows on the template's sheet and each unit's own rows
    on its sheet, with the group's totals."""
    compiled = compile_workbook(REPEAT_TEMPLATE.read_bytes())
    app = client.application
    app.extensions["baocao_form_loader"] = lambda form_id, version: compiled
    app.extensions["baocao_form_source"] = lambda form_id, version: (
        REPEAT_TEMPLATE.read_bytes()
    )
    rows = {
        "28249": [{"B": "Cầu A", "C": "Nhóm A", "D": 100, "E": 10}],
        "28261": [
            {"B": "Đường B", "C": "Nhóm B", "D": 200, "E": 20},
            {"B": "Trường C", "C": "", "D": 50, "E": 5},
        ],
    }
    with app.app_context():
        for unit, group in rows.items():
            Submission.objects(regime_id=world["regime"], unit=unit).update_one(
                set__data=world["encode"]({"du_an": group})
            )
    call = _api(client, world, "SKHCN.tonghop")
    body = call("GET", "").get_json()
    assert body["values"]["Dự án!D3"] == 300
    assert body["computed"]["Dự án!D6"] == 350
    response = call("GET", "/export?format=xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    values = _book(response.data, values=True)
    sheet = values["Dự án"]
    assert [sheet[f"D{r}"].value for r in (3, 4, 5)] == [300, 50, None]
    assert sheet["D6"].value == 350
    unit = values["28261 28261"]
    assert [unit[f"B{r}"].value for r in (3, 4)] == ["Đường B", "Trường C"]
    assert unit["D6"].value == 250
