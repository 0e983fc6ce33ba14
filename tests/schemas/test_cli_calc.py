"""``baocao calc T.xlsx|FORM.json --data INPUTS.json`` (DESIGN.md §9)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from baocao.platform.cli import main

TEMPLATE = "ngansach_xa"


@pytest.fixture
def template(shared_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / f"{TEMPLATE}.xlsx"
    shutil.copy(shared_dir / "templates" / f"{TEMPLATE}.xlsx", path)
    return path


def _scenario(shared_dir: Path, kind: str) -> Path:
    return shared_dir / "templates" / f"{TEMPLATE}.2.{kind}.json"


def test_calc_xlsx_prints_every_formula_cell(template, shared_dir, capsys) -> None:
    """Zeros scenario: division by zero shows as the "#DIV/0!"-style text or ""."""
    assert (
        main(["calc", str(template), "--data", str(_scenario(shared_dir, "inputs"))])
        == 0
    )
    got = json.loads(capsys.readouterr().out)
    expected = json.loads(_scenario(shared_dir, "expected").read_text(encoding="utf-8"))
    assert set(got) == set(expected)
    assert {k: v for k, v in got.items() if isinstance(v, str)} == {
        k: v for k, v in expected.items() if isinstance(v, str)
    }


def test_calc_form_json_equals_calc_xlsx(
    template, shared_dir, tmp_path, capsys
) -> None:
    data = str(_scenario(shared_dir, "inputs"))
    assert main(["calc", str(template), "--data", data]) == 0
    from_xlsx = json.loads(capsys.readouterr().out)
    assert main(["compile", str(template), "-o", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    assert main(["calc", str(tmp_path / "out" / "form.json"), "--data", data]) == 0
    assert json.loads(capsys.readouterr().out) == from_xlsx


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "không phải JSON hợp lệ"),
        ("[1, 2]", "phải chứa một đối tượng JSON"),
        ('{"Thu chi NS!C10": [1, 2]}', "[Thu chi NS!C10] Giá trị phải là"),
    ],
    ids=["broken-json", "not-an-object", "nested-value"],
)
def test_bad_inputs_fail_cleanly(template, tmp_path, capsys, data, message) -> None:
    path = tmp_path / "inputs.json"
    path.write_text(data, encoding="utf-8")
    assert main(["calc", str(template), "--data", str(path)]) == 1
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_bad_form_json_fails_cleanly(tmp_path, capsys) -> None:
    form = tmp_path / "form.json"
    form.write_text(
        json.dumps(
            {
                "schema": {},
                "layout": {},
                "formulas": {"cells": {"S!A1": {"formula": "=SUM(1;2)"}}},
            }
        ),
        encoding="utf-8",
    )
    inputs = tmp_path / "inputs.json"
    inputs.write_text("{}", encoding="utf-8")
    assert main(["calc", str(form), "--data", str(inputs)]) == 1
    assert "FX004" in capsys.readouterr().err


def test_missing_template_fails_cleanly(tmp_path, capsys) -> None:
    inputs = tmp_path / "inputs.json"
    inputs.write_text("{}", encoding="utf-8")
    assert main(["calc", str(tmp_path / "nope.xlsx"), "--data", str(inputs)]) == 1
    assert "không đọc/ghi được tệp" in capsys.readouterr().err
