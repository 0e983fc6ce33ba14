"""The platform's stored aggregate and its .xlsx export against LibreOffice.

``tests/schemas/test_aggregate.py`` checks the pure aggregate against the
LibreOffice-computed fixtures of every shared template. This checks the path
the receiving unit actually sees: submissions stored as documents → the
background refresh → the stored aggregate → the .xlsx export, for every
template with the designer's rules (the ``*.sum.json`` fixtures, where every
input is the sum of the three units and every formula is recomputed).
"""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.models.workflow import Submission, decode_keys
from baocao.platform.services import aggregate_cache
from baocao.platform.services import aggregate_exports as exports
from support import ROOT

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
CASES = sorted((ROOT / "tests" / "fixtures" / "aggregate").glob("*.sum.json"))


def same(expected: Any, got: Any) -> bool:
    """Numbers to 1e-9 relative (the oracle's tolerance); blank is "" or None."""
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-9)
    if expected in ("", None) and got in ("", None):
        return True
    return bool(expected == got)


@pytest.mark.parametrize("case", CASES, ids=[c.name.split(".")[0] for c in CASES])
def test_stored_aggregate_and_xlsx_match_libreoffice(
    app: Any, world: dict[str, Any], shared_dir: Path, case: Path
) -> None:
    """AGO-1: every input is the sum of the units and every formula cell is
    LibreOffice's recomputed value, in the stored aggregate and in the
    aggregate sheet of the exported workbook."""
    fixture = json.loads(case.read_text("utf-8"))
    templates = shared_dir / "templates"
    source = (templates / fixture["template"]).read_bytes()
    compiled = compile_workbook(source)
    app.extensions["baocao_form_loader"] = lambda form_id, version: compiled
    app.extensions["baocao_form_source"] = lambda form_id, version: source
    with app.app_context():
        Submission.objects(regime_id=world["regime"]).delete()
        for unit, name in fixture["units"].items():
            data = json.loads((templates / name).read_text("utf-8"))
            world["add"](world["regime"], unit, "accepted", data)
        found = aggregate_cache.ensure_fresh(world["regime"], "2026-M03", None, NOW)
        made = exports.export_aggregate(
            world["regime"],
            ["2026-M03"],
            None,
            "xlsx",
            load_form=app.extensions["baocao_form_loader"],
            load_source=app.extensions["baocao_form_source"],
            now=NOW,
        )
    assert found.fresh and found.to_dict()["units_missing"] == ["28273"]
    inputs = decode_keys(dict(found.cache.inputs))
    computed = decode_keys(dict(found.cache.computed))
    assert set(inputs) == set(fixture["inputs"])
    wrong = {
        a: (v, inputs.get(a))
        for a, v in fixture["inputs"].items()
        if not same(v, inputs.get(a))
    }
    wrong |= {
        a: (v, computed.get(a))
        for a, v in fixture["computed"].items()
        if not same(v, computed.get(a))
    }
    assert wrong == {}
    book = openpyxl.load_workbook(io.BytesIO(made.data), data_only=True)
    in_file = {}
    for address in [*fixture["inputs"], *fixture["computed"]]:
        sheet, cell = address.rsplit("!", 1)
        in_file[address] = book[sheet][cell].value
    expected = fixture["inputs"] | fixture["computed"]
    assert {
        a: (expected[a], v) for a, v in in_file.items() if not same(expected[a], v)
    } == {}
    assert len(book.sheetnames) == len(compiled.layout["sheets"]) * 4
