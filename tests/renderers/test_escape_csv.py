"""Formula-injection escaping and the long-form CSV (issue #4 items 7 and 8)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from baocao.renderers import escape_formula_text, render_csv

SHEET = "Biểu 01"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-5 hộ", "'-5 hộ"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Trường Lê Lợi", "Trường Lê Lợi"),
        (-5, -5),
        (1.5, 1.5),
        (None, None),
        ("", ""),
    ],
    ids=[
        "equals",
        "plus",
        "minus",
        "at",
        "tab",
        "cr",
        "plain",
        "negative-number",
        "number",
        "none",
        "empty",
    ],
)
def test_escape_formula_text(value: Any, expected: Any) -> None:
    """OWASP: text starting with = + - @ tab CR gets a leading apostrophe."""
    assert escape_formula_text(value) == expected


def _read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_long_form(form: tuple[dict, dict], values: tuple[dict, dict]) -> None:
    """One line per input/computed cell with indicator and label; BOM; escaped text."""
    schema, layout = form
    data, computed = values
    rows = _read(render_csv(schema, layout, data, computed))
    assert rows[0] == ["sheet", "cell", "indicator", "label", "value"]
    by_cell = {(r[0], r[1]): r for r in rows[1:]}
    assert by_cell[(SHEET, "D10")] == [
        SHEET,
        "D10",
        "CT001D",
        "Tổng sản phẩm (GRDP) — Kế hoạch",
        "1234567.891",
    ]
    assert by_cell[(SHEET, "F10")] == [
        SHEET,
        "F10",
        "",
        "Tổng sản phẩm (GRDP) — Tỷ lệ thực hiện (%)",
        "81",
    ]
    assert by_cell[(SHEET, "D14")][3] == "Tổng cộng — Năm 2026 - Kế hoạch"
    assert by_cell[("Thông tin", "B1")][4] == '\'=HYPERLINK("http://x")'
    assert by_cell[("Thông tin", "du_an[2].A")][3:] == ["Tên dự án", "Trường Mỹ Thọ"]
    assert by_cell[("Thông tin", "du_an[1].B")][2:] == [
        "VON",
        "Vốn (triệu đồng)",
        "2500",
    ]
    assert len(rows) == 1 + 4 * 3 + 2 + 3 + 3 * 2


def test_csv_blank_cells_are_listed_empty(form: tuple[dict, dict]) -> None:
    schema, layout = form
    rows = _read(render_csv(schema, layout, {}, {}))
    assert [r[4] for r in rows[1:] if r[0] == SHEET] == [""] * 14
