"""``baocao compile``, ``fill`` and ``extract`` (DESIGN.md §9): files in, files out,
Vietnamese messages and a non-zero exit for bad input, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from baocao.form_designer import Code
from baocao.platform.cli import main
from openpyxl import load_workbook

TEMPLATE = "tthc_quy"


@pytest.fixture
def template(shared_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / f"{TEMPLATE}.xlsx"
    shutil.copy(shared_dir / "templates" / f"{TEMPLATE}.xlsx", path)
    return path


def test_compile_writes_the_documents(template, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["compile", str(template), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "form.json",
        "formulas.json",
        "layout.json",
        "schema.json",
    ]
    form = json.loads((out / "form.json").read_text("utf-8"))
    assert form["schema"] == json.loads((out / "schema.json").read_text("utf-8"))
    assert len(form["source_sha256"]) == 64
    assert "80 ô nhập liệu, 65 ô công thức" in capsys.readouterr().out


def test_compile_bad_file_prints_diagnostics(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["compile", str(bad), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert f"Lỗi FD001: {Code.FD001.format()}" in err
    assert "Traceback" not in err


def test_compile_missing_file(tmp_path, capsys) -> None:
    assert main(["compile", str(tmp_path / "none.xlsx"), "-o", str(tmp_path)]) == 1
    assert "không đọc/ghi được tệp" in capsys.readouterr().err


def test_fill_then_extract_round_trip(template, shared_dir, tmp_path, capsys) -> None:
    """fill keeps styles/merges/protection and caches computed values; extract reads back."""
    inputs_path = shared_dir / "templates" / f"{TEMPLATE}.0.inputs.json"
    expected = json.loads(
        (shared_dir / "templates" / f"{TEMPLATE}.0.expected.json").read_text("utf-8")
    )
    out = tmp_path / "filled.xlsx"
    assert (
        main(["fill", str(template), "--data", str(inputs_path), "-o", str(out)]) == 0
    )
    filled, original = load_workbook(out), load_workbook(template)
    ws, ws0 = filled["TTHC"], original["TTHC"]
    assert ws.protection.sheet and ws["F9"].value == "=C9+D9+E9"
    assert sorted(map(str, ws.merged_cells.ranges)) == sorted(
        map(str, ws0.merged_cells.ranges)
    )
    assert ws.column_dimensions["B"].width == ws0.column_dimensions["B"].width
    assert ws["C9"].font.b == ws0["C9"].font.b and not ws["C9"].protection.locked
    cached = load_workbook(out, data_only=True)["TTHC"]
    for address in ("TTHC!F9", "TTHC!N19", "TTHC!O19", "TTHC!D22"):
        assert cached[address.split("!")[1]].value == expected[address]
    capsys.readouterr()
    assert main(["extract", str(out), "--form", str(template)]) == 0
    inputs = json.loads(inputs_path.read_text("utf-8"))
    assert json.loads(capsys.readouterr().out) == inputs


def test_fill_rejects_wrong_cells(template, tmp_path, capsys) -> None:
    data = tmp_path / "bad.json"
    data.write_text(json.dumps({"TTHC!F9": 1, "TTHC!C9": "nhiều", "X!A1": 2}), "utf-8")
    assert (
        main(
            ["fill", str(template), "--data", str(data), "-o", str(tmp_path / "o.xlsx")]
        )
        == 1
    )
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Lỗi: " + Code.FD030.format(sheet="TTHC", cell="F9", value="ô công thức"),
        "Lỗi: "
        + Code.FD031.format(sheet="TTHC", cell="C9", value="'nhiều'", kind="số nguyên"),
        "Lỗi: " + Code.FD032.format(value="X!A1"),
    ]
    assert not (tmp_path / "o.xlsx").exists()


def test_fill_rejects_bad_json(template, tmp_path, capsys) -> None:
    data = tmp_path / "bad.json"
    data.write_text("{oops", "utf-8")
    assert (
        main(
            ["fill", str(template), "--data", str(data), "-o", str(tmp_path / "o.xlsx")]
        )
        == 1
    )
    assert "không phải JSON hợp lệ" in capsys.readouterr().err


def test_extract_reports_edited_labels_and_wrong_types(
    template, tmp_path, capsys
) -> None:
    book = load_workbook(template)
    ws = book["TTHC"]
    ws["B9"] = "Đất đai (đã sửa)"
    ws["C9"] = "mười"
    ws["D9"] = 7
    path = tmp_path / "edited.xlsx"
    book.save(path)
    assert main(["extract", str(path), "--form", str(template)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Lỗi: "
        + Code.FD030.format(sheet="TTHC", cell="B9", value="'Đất đai (đã sửa)'"),
        "Lỗi: "
        + Code.FD031.format(sheet="TTHC", cell="C9", value="'mười'", kind="số nguyên"),
    ]


def test_extract_accepts_compiled_form_json(template, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["compile", str(template), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["extract", str(template), "--form", str(out / "form.json")]) == 0
    assert json.loads(capsys.readouterr().out) == {}
