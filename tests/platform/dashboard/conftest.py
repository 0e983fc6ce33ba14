"""A small world for the indicator and dashboard tests (issue #7 items 3-4).

Province 82 → SKHCN (receiving) and three communes; the demo's socio-economic
template uploaded through the form store, with ``SL_LUA`` bound to E11 in
version 1 and to E12 in version 2 (the same quantity moved to another row, as
happens when a template is revised); accepted submissions on both versions,
projected by the indicator service as the workflow does on accept.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from baocao.platform.models import Unit
from baocao.platform.models.workflow import Period, Regime, Submission, encode_keys
from baocao.platform.services import forms as store
from baocao.platform.services import indicator_values

NOW = datetime(2026, 4, 25, 3, 0, tzinfo=UTC)
TEMPLATE = Path(__file__).resolve().parents[3] / "platform" / "seed" / "forms" / "bieu01_ktxh.xlsx"
RICE_V1, RICE_V2 = "Biểu 01-KTXH!E11", "Biểu 01-KTXH!E12"
COMMUNES = ("28249", "28261", "28270")


def make_unit(code: str, kind: str, parent: str | None, name: str = "") -> None:
    path = code if parent is None else f"{Unit.objects(code=parent).first().path}/{code}"
    Unit(
        code=code, name=name or f"Đơn vị {code}", kind=kind, parent=parent, path=path,
        valid_from=datetime(2020, 1, 1),
    ).save()


def accepted(regime: Regime, period: str, unit: str, version: int, data: dict[str, Any],
             *, state: str = "accepted") -> Submission:
    """A submission in ``state``, projected as the workflow projects it."""
    sub = Submission(
        regime_id=str(regime.pk), period_key=period, unit=unit,
        form_id=regime.form_id, form_version=version, data=encode_keys(data),
        state=state, created_at=NOW, updated_at=NOW,
        submitted_at=datetime(2026, 1, 10) if state == "accepted" else None,
    ).save()
    indicator_values.sync_submission(sub, now=NOW)
    return sub


def make_world() -> dict[str, Any]:
    """Units, a form with two versions, a regime, periods and accepted reports."""
    make_unit("82", "province", None, "Tỉnh Đồng Tháp")
    make_unit("SKHCN", "department", "82", "Sở Khoa học và Công nghệ")
    make_unit("X1", "department", "82", "Cụm xã thử nghiệm")
    for code in COMMUNES:
        make_unit(code, "commune", "X1" if code != "28270" else "82")
    form, _ = store.upload_form(TEMPLATE.read_bytes(), name="Biểu 01", owner_unit="SKHCN",
                                actor="SKHCN.thietke", now=NOW)
    store.set_override(str(form.pk), RICE_V1, {"indicator": "SL_LUA"}, now=NOW)
    store.publish(str(form.pk), actor="SKHCN.thietke", now=NOW)
    store.clear_override(str(form.pk), RICE_V1, now=NOW)
    store.set_override(str(form.pk), RICE_V2, {"indicator": "SL_LUA"}, now=NOW)
    store.publish(str(form.pk), actor="SKHCN.thietke", now=NOW)
    regime = Regime(
        name="Báo cáo KT-XH tháng", kind="dinh_ky", content="numeric",
        reporting_units={"mode": "list", "codes": list(COMMUNES)}, receiving_unit="SKHCN",
        frequency="month", form_id=str(form.pk), form_version=2, status="published",
        created_by="SKHCN.thietke", created_at=NOW,
    ).save()
    for key in ("2026-M01", "2026-M02", "2026-M03"):
        Period(regime_id=str(regime.pk), key=key, window_start="2026-01-01",
               window_end="2026-12-31", deadline=f"{key[:4]}-0{int(key[-2:]) + 1}-20",
               opened_at=NOW, opened_by="system").save()
    # M01 on version 1 (rice in E11), M02 and M03 on version 2 (rice in E12).
    accepted(regime, "2026-M01", "28249", 1, {RICE_V1: 100, RICE_V2: 7})
    accepted(regime, "2026-M01", "28261", 1, {RICE_V1: 50.5, RICE_V2: 7})
    accepted(regime, "2026-M02", "28249", 2, {RICE_V1: 9, RICE_V2: 120})
    accepted(regime, "2026-M02", "28261", 2, {RICE_V1: 9, RICE_V2: 60})
    accepted(regime, "2026-M02", "28270", 2, {RICE_V1: 9, RICE_V2: 1234.5})
    accepted(regime, "2026-M03", "28249", 2, {RICE_V2: 130})
    accepted(regime, "2026-M03", "28261", 2, {RICE_V2: 999}, state="submitted")
    return {"form": form, "regime": regime}


@pytest.fixture
def world(app: Any) -> Iterator[dict[str, Any]]:
    """The world inside the app's context (its document store, GridFS included)."""
    with app.app_context():
        yield make_world()
