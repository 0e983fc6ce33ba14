"""The five shared templates compile cleanly and their documents are valid (issue #3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from baocao.form_designer import compile_workbook

TEMPLATES = ["bieu01_ktxh", "giaoduc_truong", "ngansach_xa", "tthc_quy", "yte_danso"]


def _template(shared_dir: Path, name: str) -> bytes:
    return (shared_dir / "templates" / f"{name}.xlsx").read_bytes()


@pytest.mark.parametrize("name", TEMPLATES, ids=TEMPLATES)
def test_template_compiles_and_validates(shared_dir, validate_compiled, name) -> None:
    """Must have 1: every shared template compiles, outputs follow the meta-schemas."""
    compiled = compile_workbook(_template(shared_dir, name))
    validate_compiled(compiled)
    assert not [w for w in compiled.warnings if w.is_error]
    inputs = json.loads(
        (shared_dir / "templates" / f"{name}.0.inputs.json").read_text("utf-8")
    )
    expected = json.loads(
        (shared_dir / "templates" / f"{name}.0.expected.json").read_text("utf-8")
    )
    assert set(inputs) <= set(compiled.formulas["inputs"])
    assert set(expected) == set(compiled.formulas["cells"])
    assert sorted(compiled.formulas["order"]) == sorted(expected)


@pytest.mark.parametrize("name", TEMPLATES, ids=TEMPLATES)
def test_order_puts_dependencies_first(shared_dir, name) -> None:
    formulas = compile_workbook(_template(shared_dir, name)).formulas
    position = {address: i for i, address in enumerate(formulas["order"])}
    for address, cell in formulas["cells"].items():
        for dep in cell["deps"]:
            if dep in position:
                assert position[dep] < position[address], (dep, address)


def test_output_is_deterministic(shared_dir) -> None:
    data = _template(shared_dir, "ngansach_xa")
    first = json.dumps(compile_workbook(data).to_dict(), ensure_ascii=False)
    assert json.dumps(compile_workbook(data).to_dict(), ensure_ascii=False) == first


def test_bieu01_fields(shared_dir) -> None:
    """Unlocked cells are inputs; titles join row label and column header."""
    compiled = compile_workbook(_template(shared_dir, "bieu01_ktxh"))
    prop = compiled.schema["properties"]["Biểu 01-KTXH!D9"]
    assert prop == {
        "type": "number",
        "title": "Tổng sản phẩm trên địa bàn (GRDP) — Kế hoạch năm 2026",
        "x-cell": "Biểu 01-KTXH!D9",
        "x-kind": "decimal",
        "x-aggregate": "sum",
    }
    cell = compiled.formulas["cells"]["Biểu 01-KTXH!D25"]
    assert cell == {
        "formula": "=D17+D18",
        "deps": ["Biểu 01-KTXH!D17", "Biểu 01-KTXH!D18"],
    }


def test_tthc_two_row_headers_and_constants(shared_dir) -> None:
    compiled = compile_workbook(_template(shared_dir, "tthc_quy"))
    assert compiled.schema["properties"]["TTHC!D9"]["title"] == (
        "Đất đai — Số hồ sơ tiếp nhận — Trực tuyến"
    )
    assert compiled.schema["properties"]["TTHC!D9"]["x-kind"] == "integer"
    assert compiled.formulas["constants"]["TTHC!B9"] == "Đất đai"


def test_giaoduc_validation_list_is_enum(shared_dir) -> None:
    compiled = compile_workbook(_template(shared_dir, "giaoduc_truong"))
    prop = compiled.schema["properties"]["Trường học!C8"]
    assert prop["enum"] == ["Mầm non", "Tiểu học", "THCS", "THPT"]
    assert prop["x-kind"] == "choice"
    assert compiled.schema["properties"]["Trường học!B8"]["x-kind"] == "text"


def test_ngansach_cross_sheet_dependencies(shared_dir) -> None:
    formulas = compile_workbook(_template(shared_dir, "ngansach_xa")).formulas
    assert formulas["cells"]["Tổng hợp!B4"]["deps"] == ["Thu chi NS!C8"]
    order = formulas["order"]
    assert order.index("Thu chi NS!C8") < order.index("Tổng hợp!B4")


def test_layout_keeps_merges_widths_and_roles(shared_dir) -> None:
    layout = compile_workbook(_template(shared_dir, "tthc_quy")).layout
    sheet = layout["sheets"][0]
    assert "C7:F7" in sheet["merges"]
    assert sheet["columns"][1] == {
        "index": 2,
        "letter": "B",
        "width": 42.0,
        "hidden": False,
    }
    roles = {c["ref"]: c["role"] for c in sheet["cells"]}
    assert (roles["A7"], roles["C9"], roles["F9"]) == ("label", "input", "computed")
