"""Aggregation: combined inputs and recomputed formulas (DESIGN.md §6, issue #7).

The template cases compare with ``tests/fixtures/aggregate/*.json``: what
LibreOffice Calc computed for the combined inputs and for every formula cell of
the template filled with them (``make_fixtures.py`` in that folder). The small
cases build a two-sheet form inline and check the rules, drill-down, missing
units, versions and multi-level aggregation.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from baocao import form_designer
from baocao.schemas import AggregateError, CompiledForm, UnitData, aggregate
from baocao.schemas.aggregate import Code
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ROOT, require

FIXTURES = ROOT / "tests" / "fixtures" / "aggregate"
CASES = sorted(FIXTURES.glob("*.json"))
SHEET = "Biểu 01"


def same(expected: Any, got: Any) -> bool:
    """Numbers to 1e-9 relative (the shared oracle's tolerance), others exactly."""
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(got, numbers):
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-9)
    return bool(expected == got)


@pytest.fixture(scope="module")
def compiled_templates(shared_dir: Path) -> dict[str, CompiledForm]:
    """Each shared template compiled once for the module."""
    compile_workbook = getattr(form_designer, "compile_workbook", None)
    require(compile_workbook is not None, "baocao.form_designer.compile_workbook")
    assert compile_workbook is not None
    return {
        path.name: compile_workbook(path.read_bytes())
        for path in sorted((shared_dir / "templates").glob("*.xlsx"))
    }


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_matches_libreoffice(
    case: Path, shared_dir: Path, compiled_templates: dict[str, CompiledForm]
) -> None:
    """AG-1: every combined input and every recomputed formula equals LibreOffice's."""
    fixture = json.loads(case.read_text("utf-8"))
    require(fixture["template"] in compiled_templates, fixture["template"])
    compiled = compiled_templates[fixture["template"]]
    units = [
        UnitData(unit, json.loads((shared_dir / "templates" / name).read_text("utf-8")))
        for unit, name in fixture["units"].items()
    ]
    result = aggregate(
        compiled,
        units,
        rules=fixture["rules"],
        expected_units=[*fixture["units"], "28273"],
    )
    wrong_inputs = {
        a: (v, result.inputs.get(a))
        for a, v in fixture["inputs"].items()
        if not same(v, result.inputs.get(a))
    }
    extra = set(result.inputs) - set(fixture["inputs"])
    wrong_formulas = {
        a: (v, result.computed.get(a))
        for a, v in fixture["computed"].items()
        if not same(v, result.computed.get(a))
    }
    assert wrong_inputs == {}
    assert extra == set()
    assert wrong_formulas == {}
    assert result.units == tuple(fixture["units"])
    assert result.missing == ("28273",)


def small_form() -> CompiledForm:
    """Plan D, actual E, ratio F = E/D (a ratio must be recomputed), text G."""
    cells = {
        f"{SHEET}!F7": {
            "formula": '=IFERROR(E7/D7*100,"")',
            "deps": [f"{SHEET}!D7", f"{SHEET}!E7"],
        },
        f"{SHEET}!F8": {
            "formula": "=SUM(D7:E7)+H7+I7",
            "deps": [f"{SHEET}!D7", f"{SHEET}!E7", f"{SHEET}!H7", f"{SHEET}!I7"],
        },
    }
    inputs = {
        f"{SHEET}!D7": {"aggregate": "sum"},
        f"{SHEET}!E7": {"aggregate": "sum"},
        f"{SHEET}!G7": {"aggregate": "none"},
        f"{SHEET}!H7": {"aggregate": "average"},
        f"{SHEET}!I7": {"aggregate": "count"},
        f"{SHEET}!J7": {"aggregate": "min"},
        f"{SHEET}!K7": {"aggregate": "max"},
    }
    kinds = {"G7": "text"}
    schema = {
        "type": "object",
        "properties": {
            a: {"x-cell": a, "x-kind": kinds.get(a.split("!")[1], "decimal")}
            for a in inputs
        },
    }
    formulas = {
        "version": 1,
        "cells": cells,
        "order": list(cells),
        "constants": {},
        "inputs": inputs,
    }
    return CompiledForm(
        schema=schema, layout={"version": 1, "sheets": []}, formulas=formulas
    )


def row(**values: Any) -> dict[str, Any]:
    """Input data of row 7 keyed by address: ``row(D=1)`` → ``{"Biểu 01!D7": 1}``."""
    return {f"{SHEET}!{col}7": value for col, value in values.items()}


A = row(D=100, E=50, G="Xã A", H=2, I="có", J=5, K=5)
B = row(D=300, E=330, G="Xã B", H=4, J=-1, K=9)
C = row(D=None, E="", H=None, I="có", K=7)


def test_rules_and_recomputed_ratio() -> None:
    """AG-2: blanks skipped like SUM/AVERAGE; the ratio is 380/400, not 50+110."""
    result = aggregate(small_form(), [A, B, C])
    assert result.inputs == row(D=400, E=380, H=3.0, I=2, J=-1, K=9)
    assert result.computed[f"{SHEET}!F7"] == pytest.approx(95.0)
    assert result.computed[f"{SHEET}!F8"] == pytest.approx(400 + 380 + 3.0 + 2)
    assert result.counts[f"{SHEET}!D7"] == 2
    assert result.counts[f"{SHEET}!G7"] == 2


def test_nobody_filled() -> None:
    """AG-3: a cell no unit filled stays blank; a count is 0; the ratio is ""."""
    result = aggregate(small_form(), [row(G="x"), {}])
    assert result.inputs == row(I=0)
    assert result.computed[f"{SHEET}!F7"] == ""


def test_rule_override_and_unknown_rule() -> None:
    """AG-4: rules passed in override the designer's; an unknown rule is refused."""
    result = aggregate(small_form(), [A, B], rules={f"{SHEET}!D7": "max"})
    assert result.inputs[f"{SHEET}!D7"] == 300
    with pytest.raises(AggregateError) as caught:
        aggregate(small_form(), [A], rules={f"{SHEET}!D7": "median"})
    assert caught.value.code == "AG001"
    assert caught.value.message == Code.AG001.format(cell=f"{SHEET}!D7", value="median")


def test_drill_down_and_missing_units() -> None:
    """AG-5: every cell drills down to the units' values, blanks and missing units."""
    units = [UnitData("28249", A), UnitData("28261", B), UnitData("28270", C)]
    result = aggregate(
        small_form(),
        units,
        expected_units=["28249", "28261", "28270", "28273", "28276"],
    )
    assert result.missing == ("28273", "28276")
    plan = result.contributions(f"{SHEET}!D7")
    assert (plan.rule, plan.value) == ("sum", 400)
    assert plan.values == {"28249": 100, "28261": 300}
    assert plan.blank == ("28270",)
    assert plan.missing == ("28273", "28276")
    ratio = result.contributions(f"{SHEET}!F7")
    assert ratio.rule == "formula"
    assert ratio.value == pytest.approx(95.0)
    assert ratio.values == {"28249": pytest.approx(50.0), "28261": pytest.approx(110.0)}
    assert ratio.blank == ("28270",)
    with pytest.raises(AggregateError) as caught:
        result.contributions(f"{SHEET}!Z99")
    assert caught.value.message == Code.AG005.format(cell=f"{SHEET}!Z99")


def test_unit_twice_refused() -> None:
    """AG-6: one accepted submission per unit and period."""
    with pytest.raises(AggregateError) as caught:
        aggregate(small_form(), [UnitData("28249", A), UnitData("28249", B)])
    assert caught.value.message == Code.AG004.format(unit="28249")


def test_mixed_versions_refused() -> None:
    """AG-7: submissions on another form version are refused without a mapping."""
    units = [
        UnitData("28249", A, form_version="v2"),
        UnitData("28261", row(D=1), form_version="v1"),
    ]
    with pytest.raises(AggregateError) as caught:
        aggregate(small_form(), units, form_version="v2")
    assert caught.value.code == "AG002"
    assert caught.value.message == Code.AG002.format(
        units="28261", value="v1", target="v2"
    )


def test_mixed_versions_mapped_explicitly() -> None:
    """AG-8: with an address mapping, a v1 cell lands on its v2 cell; None drops."""
    old = {f"{SHEET}!C7": 200, f"{SHEET}!E7": 10, f"{SHEET}!L7": "bỏ"}
    units = [UnitData("28249", A, "v2"), UnitData("28261", old, "v1")]
    mapping = {"v1": {f"{SHEET}!C7": f"{SHEET}!D7", f"{SHEET}!L7": None}}
    result = aggregate(small_form(), units, form_version="v2", mappings=mapping)
    assert result.inputs[f"{SHEET}!D7"] == 300
    assert result.inputs[f"{SHEET}!E7"] == 60
    assert result.contributions(f"{SHEET}!D7").values == {"28249": 100, "28261": 200}
    with pytest.raises(AggregateError) as caught:
        aggregate(small_form(), units, form_version="v2", mappings={"v1": {}})
    assert caught.value.message == Code.AG003.format(
        unit="28261", cell=f"{SHEET}!C7", value="v1"
    )


def test_cell_outside_the_form_refused() -> None:
    """AG-9: data keyed by a cell that is not an input of the form is refused."""
    with pytest.raises(AggregateError) as caught:
        aggregate(small_form(), [UnitData("28249", {f"{SHEET}!F7": 3})])
    assert caught.value.code == "AG003"


cell_value = st.one_of(
    st.none(), st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False)
)
unit_row = st.fixed_dictionaries(
    {f"{SHEET}!{col}7": cell_value for col in "DEHIJK"}
).map(lambda data: {a: v for a, v in data.items() if v is not None})


@settings(max_examples=60, deadline=None)
@given(st.lists(unit_row, min_size=1, max_size=8), st.integers(0, 8))
def test_two_levels_equal_one(rows: list[dict[str, Any]], split: int) -> None:
    """AG-10: communes → departments → province equals communes → province."""
    form = small_form()
    communes = [UnitData(f"X{i}", data) for i, data in enumerate(rows)]
    split = min(split, len(communes))
    departments = [
        aggregate(form, part).as_unit(f"S{n}")
        for n, part in enumerate((communes[:split], communes[split:]))
        if part
    ]
    direct = aggregate(form, communes)
    stepwise = aggregate(form, departments)
    assert set(stepwise.inputs) == set(direct.inputs)
    for address, value in direct.inputs.items():
        assert stepwise.inputs[address] == pytest.approx(value, rel=1e-9, abs=1e-6)
    assert stepwise.counts == direct.counts


def test_repeat_group_rows_combine_row_by_row() -> None:
    """AG-R1: a repeat group's rows (a list per unit) combine row by row; the
    group's total cells, recomputed, are the totals over every unit's rows; the
    drill-down of a total gives each unit's own total; text columns stay blank."""
    template = ROOT / "tests" / "fixtures" / "xlsx" / "projects_repeat.xlsx"
    compiled = form_designer.compile_workbook(template.read_bytes())
    units = [
        UnitData("28249", {"du_an": [{"B": "Cầu A", "C": "A", "D": 100, "E": 10}]}),
        UnitData(
            "28261",
            {
                "du_an": [
                    {"B": "Đường B", "C": "Nhóm B", "D": 200, "E": 20},
                    {"B": "Trường C", "C": "", "D": 50, "E": 5},
                ]
            },
        ),
        UnitData("28273", {"du_an": []}),
    ]
    result = aggregate(compiled, units)
    assert result.inputs == {
        "Dự án!D3": 300,
        "Dự án!E3": 30,
        "Dự án!D4": 50,
        "Dự án!E4": 5,
    }
    assert (result.computed["Dự án!D6"], result.computed["Dự án!E6"]) == (350, 35)
    assert result.computed["Dự án!E7"] == 10  # ratio of the totals: 35/350 %
    total = result.contributions("Dự án!D6")
    assert total.values == {"28249": 100, "28261": 250, "28273": 0}
    assert result.contributions("Dự án!D4").values == {"28261": 50}
