"""Fixtures of the exchange tests: the national endpoint double and a small world.

The double (:mod:`baocao.platform.exchange.double`, the one ``baocao demo``
starts) is a real HTTP server on 127.0.0.1 in a thread of the test process that
answers each POST as scripted: ``accept`` (201, or 200 for an Idempotency-Key it
already stored), ``reject`` (400 with a reason), ``fail`` (503) or ``timeout``
(answers only after the client gave up); unscripted posts are checked and
accepted or rejected.

``exchange_app`` is a real app with exchange on (the double's URL, the agency
key of the committed test PKI), the shared ``bieu01_ktxh`` template compiled by
the real compiler with one cell bound to indicator ``DT_LUA``, and the units
province 82 → SKHCN (receiving), communes 28249 and 28261. ``open_regime`` and
``accept_report`` drive the real workflow services.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.exchange.double import NationalDouble, serve
from baocao.platform.exchange.runtime import install_kick
from baocao.platform.models import Unit
from baocao.platform.models.workflow import Submission
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.platform.settings import Secret
from signing_support import sign_as
from support import ROOT, monthly_regime_payload

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
PKI = ROOT / "tests" / "fixtures" / "pki"
CELL = "Biểu 01-KTXH!D10"
"""The input cell bound to indicator DT_LUA in these tests."""


@pytest.fixture
def national() -> Iterator[NationalDouble]:
    """The national endpoint double, listening on a free loopback port."""
    running = serve(NationalDouble())
    yield running.double
    running.stop()


@dataclasses.dataclass
class Who:
    """What the access service reads from a user."""

    username: str
    unit_code: str
    roles: list[str]
    is_authenticated: bool = True
    is_active: bool = True


def who(unit: str, role: str) -> Who:
    """The demo-style account ``<unit>.<role>``."""
    return Who(f"{unit}.{role}", unit, [role])


def seed_units() -> None:
    """Province 82 → SKHCN (receiving), communes 28249 and 28261."""
    for code, kind, parent in [
        ("82", "province", None),
        ("SKHCN", "department", "82"),
        ("28249", "commune", "82"),
        ("28261", "commune", "82"),
    ]:
        Unit(
            code=code,
            name=f"Đơn vị {code}",
            kind=kind,
            parent=parent,
            path=code if parent is None else f"82/{code}",
            valid_from=datetime(2020, 1, 1),
        ).save()


@pytest.fixture
def exchange_app(
    app_factory: Callable[..., Any], national: NationalDouble, shared_dir: Path
) -> Iterator[Any]:
    """An app with exchange on; ``app.extensions["kicks"]`` counts the kicks."""
    app = app_factory(
        exchange_url=national.url,
        exchange_p12=PKI / "seal.p12",
        exchange_p12_passphrase=Secret((PKI / "PASSPHRASE.txt").read_text().strip()),
    )
    kicks: list[int] = []
    install_kick(app, lambda: kicks.append(1))
    app.extensions["kicks"] = kicks
    template = shared_dir / "templates" / "bieu01_ktxh.xlsx"
    compiled = compile_workbook(template.read_bytes())
    schema = json.loads(json.dumps(compiled.schema))
    schema["properties"][CELL]["x-indicator"] = "DT_LUA"
    bound = dataclasses.replace(compiled, schema=schema)
    app.extensions["baocao_form_loader"] = lambda form_id, version: bound
    with app.app_context():
        seed_units()
        yield app


def _open_regime() -> str:
    chain = config.ensure_default_chain(now=NOW)
    regime = config.create_regime(
        monthly_regime_payload(str(chain.pk), reporting_units=["28249", "28261"]),
        actor="SKHCN.thietke",
        now=NOW,
        publish=True,
    )
    wf.open_period(str(regime.pk), "2026-M03", actor="system", now=NOW)
    return str(regime.pk)


@pytest.fixture
def open_regime() -> Callable[[], str]:
    """``open_regime()``: publish the monthly regime and open 2026-M03; its id."""
    return _open_regime


def _accept_report(unit: str, value: float, *, until: str = "accept") -> Submission:
    sub = Submission.objects(unit=unit).first()
    entry = who(unit, "nhaplieu")
    sub = wf.save_data(str(sub.pk), {CELL: value}, sub.version, entry, now=NOW)
    for actor, action in [
        (entry, "submit"),
        (who(unit, "lanhdao"), "approve"),
        (who(unit, "lanhdao"), "sign"),
        (who(unit, "gui"), "send"),
        (who("SKHCN", "tonghop"), "accept"),
    ]:
        if action == "sign":  # the ready-made chain requires a real signature
            sub = sign_as(actor, str(sub.pk), NOW)
        else:
            sub = wf.act(str(sub.pk), action, sub.version, actor, now=NOW)
        if action == until:
            break
    return sub


@pytest.fixture
def accept_report() -> Callable[..., Submission]:
    """``accept_report(unit, value, until="accept")``: walk one report's chain."""
    return _accept_report


@pytest.fixture
def make_units() -> Callable[[], None]:
    """``make_units()``: province 82 → SKHCN, communes 28249 and 28261."""
    return seed_units


@pytest.fixture
def sysadmin() -> Who:
    """A signed-in system admin, as the services see one."""
    return Who("admin", "82", ["sysadmin"])
