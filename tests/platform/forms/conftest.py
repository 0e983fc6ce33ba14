"""Fixtures of the form store tests: a small unit tree and demo-style accounts."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from baocao.platform.models import Unit
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from baocao.platform.services import form_marks, forms
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.platform.settings import Secret, Settings
from flask.testing import FlaskClient
from openpyxl.styles import Protection
from support import ROOT, serve

SEED_FORMS = ROOT / "platform" / "seed" / "forms"
ACCOUNTS = [
    ("SKHCN.thietke", Role.DESIGNER, "SKHCN"),
    ("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN"),
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("admin", Role.SYSADMIN, None),
]


def make_unit(code: str, kind: str, parent: str | None = None) -> Unit:
    path = code if parent is None else f"{Unit.objects(code=parent).first().path}/{code}"
    unit = Unit(code=code, name=code, kind=kind, parent=parent, path=path,
                valid_from=datetime(2020, 1, 1))
    unit.save()
    return unit


def template(name: str = "bieu01_ktxh") -> bytes:
    return (SEED_FORMS / f"{name}.xlsx").read_bytes()


def bad_template() -> bytes:
    """A workbook with a whole-column reference (FD011) and a cycle (FD013)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Biểu"
    sheet["A1"], sheet["B1"], sheet["C1"] = "Chỉ tiêu", "Số", "Tổng"
    sheet["A2"] = "Dân số"
    sheet["C2"] = "=SUM(B:B)"
    sheet["D2"] = "=E2+1"
    sheet["E2"] = "=D2+1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def projects_template() -> bytes:
    """A protected sheet: a project list (rows 4–6, per-row formula in D), a
    total row 7, and an empty merged block A10:D13 under the heading in A9.

    | row | A            | B (input)  | C (input) | D          |
    | 3   | STT          | Tên dự án  | Vốn       | Vốn x 1000 |
    | 4–6 | 1, 2, 3      |            |           | =C4*1000   |
    | 7   | Tổng cộng    |            | =SUM(C4:C6) |          |
    | 9   | Đánh giá chung                                     |
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Dự án"
    sheet["A1"] = "DANH SÁCH DỰ ÁN ĐẦU TƯ"
    sheet.merge_cells("A1:D1")
    for col, text in zip("ABCD", ("STT", "Tên dự án", "Vốn (triệu đồng)", "Vốn (nghìn đồng)"),
                         strict=True):
        sheet[f"{col}3"] = text
    for row in (4, 5, 6):
        sheet[f"A{row}"] = row - 3
        sheet[f"D{row}"] = f"=C{row}*1000"
        for col in "BC":
            sheet[f"{col}{row}"].protection = Protection(locked=False)
    sheet["A7"], sheet["C7"] = "Tổng cộng", "=SUM(C4:C6)"
    sheet["A9"] = "Đánh giá chung"
    sheet.merge_cells("A10:D13")
    sheet.protection.sheet = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Test settings with a key long enough for HS256 tokens."""
    return dataclasses.replace(settings, secret_key=Secret("kiem-thu-bieu-mau-" * 3))


@pytest.fixture
def api(app: Any, client: FlaskClient, make_user: Any, api_token: Any) -> Any:
    """Units, accounts and ``call(user, method, path, **kwargs)`` with a bearer token."""
    with app.app_context():
        make_unit("82", "province")
        make_unit("SKHCN", "department", "82")
        make_unit("28249", "commune", "82")
        for username, role, unit in ACCOUNTS:
            make_user(username, role, unit)
    tokens: dict[str, str] = {}

    def call(username: str, method: str, path: str, **kwargs: Any) -> Any:
        if username not in tokens:
            tokens[username] = api_token(username)
        headers = {"Authorization": f"Bearer {tokens[username]}"}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call


@pytest.fixture
def kit() -> SimpleNamespace:
    """``kit.template(name)``, ``kit.bad_template()``, ``kit.projects_template()``,
    ``kit.make_unit(code, kind, parent)``, ``kit.open_regime(form_id, content)``,
    ``kit.publish_projects(outline)``."""
    return SimpleNamespace(template=template, bad_template=bad_template, make_unit=make_unit,
                           projects_template=projects_template, open_regime=open_regime,
                           publish_projects=publish_projects)


def publish_projects(outline: dict[str, Any]) -> str:
    """The projects form ("Dự án", owned by SKHCN) with ``outline``, published as
    version 1; returns its id. Call inside an app context."""
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    form, _ = forms.upload_form(
        projects_template(), name="Dự án", owner_unit="SKHCN",
        actor="SKHCN.thietke", now=now,
    )
    form_marks.set_outline(str(form.pk), outline, now=now)
    forms.publish(str(form.pk), actor="SKHCN.thietke", now=now)
    return str(form.pk)


def open_regime(form_id: str, content: str = "linked") -> str:
    """A published monthly regime on ``form_id`` version 1 for unit 28249 (units
    82, SKHCN and 28249 must exist), 2026-M03 opened; returns 28249's submission.

    Call inside an app context.
    """
    now = datetime(2026, 3, 2, tzinfo=UTC)
    chain = config.ensure_default_chain(now=now)
    regime = config.create_regime(
        {"name": "Báo cáo dự án tháng", "kind": "dinh_ky", "content": content,
         "reporting_units": ["28249"], "receiving_unit": "SKHCN",
         "methods": ["he_thong"], "cutoff": {"kind": "nd09"},
         "deadline": {"kind": "day_of_last_month", "days": 20}, "frequency": "month",
         "form_id": form_id, "form_version": 1, "guidance": "Nhập và viết",
         "chain_id": str(chain.pk)},
        actor="SKHCN.thietke", now=now, publish=True,
    )
    wf.open_period(str(regime.pk), "2026-M03", actor="system", now=now)
    return str(Submission.objects(unit="28249").first().pk)


@pytest.fixture
def server(app: Any, make_user: Any, kit: SimpleNamespace) -> Iterator[str]:
    """The app on a loopback port for the browser tests: the province, SKHCN
    with its designer, and commune 28249 with its data entry."""
    with app.app_context():
        kit.make_unit("82", "province")
        kit.make_unit("SKHCN", "department", "82")
        kit.make_unit("28249", "commune", "82")
        make_user("SKHCN.thietke", Role.DESIGNER, "SKHCN")
        make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    with serve(app) as url:
        yield url
