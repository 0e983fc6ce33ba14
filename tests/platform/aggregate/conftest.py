"""Fixtures of the aggregate tests: a province, a receiving department, four
communes, a regime on the shared ``bieu01_ktxh`` template compiled by the real
compiler, and submissions written directly (the workflow's own tests cover how
they get accepted). Accounts are real FAB accounts with bearer tokens.
"""

from __future__ import annotations

import dataclasses
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
from baocao.schemas import Calculator, aggregate
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


def add_submission(
    regime: str, unit: str, state: str, data: dict[str, Any], period: str = "2026-M03"
) -> Submission:
    """A submission on form f1 v1, written directly."""
    return Submission(
        regime_id=regime,
        period_key=period,
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
    """Province 82 → SKHCN (receiving), STC and communes; two accepted, one
    returned. Celery runs eagerly: a queued refresh or export is done when the
    request that queued it returns (the browser test turns this off)."""
    app.extensions["celery"].conf.task_always_eager = True
    templates = shared_dir / "templates"
    compiled = compile_workbook((templates / f"{TEMPLATE}.xlsx").read_bytes())
    scenarios = [
        json.loads((templates / f"{TEMPLATE}.{k}.inputs.json").read_text("utf-8"))
        for k in (0, 1, 3)
    ]
    source = (templates / f"{TEMPLATE}.xlsx").read_bytes()
    app.extensions["baocao_form_loader"] = lambda form_id, version: compiled
    app.extensions["baocao_form_source"] = lambda form_id, version: source
    with app.app_context():
        _unit("82", "province", None)
        _unit("SKHCN", "department", "82")
        _unit("STC", "department", "82")
        for code in ("28249", "28261", "28270", "28273"):
            _unit(code, "commune", "82")
        make_user("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN")
        make_user("STC.tonghop", Role.AGGREGATOR, "STC")
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
        add_submission(regime_id, "28249", "accepted", scenarios[0])
        add_submission(regime_id, "28261", "accepted", scenarios[1])
        add_submission(regime_id, "28270", "returned", scenarios[2])
    return {
        "regime": regime_id,
        "scenarios": scenarios,
        "token": api_token,
        "compiled": compiled,
        "source": source,
        "add": add_submission,
        "encode": encode_keys,
        "unit_calculator": Calculator(compiled).calculate,
        "compiled_calculator": lambda datas: aggregate(compiled, datas).computed,
    }
