"""Excel round trip of repeat groups (issue #4 item 5): rows down and back, pure."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import Code, FillError, compile_workbook
from baocao.form_designer._row_shift import RowSpan, shift_formula
from baocao.form_designer.fill import fill_workbook
from baocao.form_designer.roundtrip import (
    GroupRows,
    apply_changes,
    compare_upload,
    form_stamp,
)

SHEET = """
| DANH MỤC DỰ ÁN |      |        |          |           |         |
| STT | Tên dự án | Loại | Vốn kế hoạch | Giải ngân | Còn lại |
| 1   | ?@        | ?@   | ?#,##0       | ?#,##0    | =D3-E3  |
| 2   | ?@        | ?@   | ?#,##0       | ?#,##0    | =D4-E4  |
|     | Tổng      |      | =SUM(D3:D4)  | =SUM(E3:E4) | =SUM(F3:F4) |
| Ghi chú | ?@    |      |              |           |         |
| Tỷ lệ (%) |     |      |              | =IFERROR(ROUND(E5/D5*100,2),0) | |
"""
SUMMARY = """
| Tổng vốn | ='Dự án'!D5 |
"""
GROUP = "Dự án (du_an)"
LIMIT = {"formula1": "0", "formula2": "1000"}
SHORT = {"formula1": "20"}


@pytest.fixture
def form(make_xlsx: Any) -> tuple[bytes, Any, str]:
    """(template, compiled, stamp): group du_an on rows 3-4 (B text, C list,
    D and E integers, F a per-row formula), a total row, a merged note below."""
    data = make_xlsx(
        {"Dự án": SHEET, "Tổng hợp": SUMMARY},
        protected=["Dự án", "Tổng hợp"],
        merges={"Dự án": ["A1:F1", "B6:F6"]},
        validations={
            "Dự án": [
                ("C3:C4", '"Nhóm A,Nhóm B"'),
                ("D3:D4", {"type": "whole", "operator": "between", **LIMIT}),
                ("B6", {"type": "textLength", "operator": "lessThanOrEqual", **SHORT}),
            ]
        },
        names={"LAP_du_an": "'Dự án'!$B$3:$F$4"},
    )
    compiled = compile_workbook(data)
    return data, compiled, form_stamp("f1", 1, compiled.source_sha256)


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        {"B": f"Dự án {i + 1}", "C": "Nhóm A", "D": 100 * (i + 1), "E": 10 * (i + 1)}
        for i in range(count)
    ]


def _sheet(data: bytes, title: str = "Dự án", **options: Any) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data), **options)[title]


def _edited(data: bytes, **cells: Any) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ref, value in cells.items():
        book["Dự án"][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_no_stored_rows_leaves_the_template_rows_empty(form: Any) -> None:
    """RR-01: a group without rows: rows 3-4 empty, formulas as in the template,
    the plain input next to it written; the copy compares equal."""
    template, compiled, stamp = form
    stored = {"du_an": [], "Dự án!B6": "không"}
    filled = fill_workbook(template, compiled, stored, stamp=stamp)
    ws = _sheet(filled)
    assert [ws[f"B{r}"].value for r in (3, 4)] == [None, None]
    assert (ws["D5"].value, ws["B6"].value) == ("=SUM(D3:D4)", "không")
    result = compare_upload(compiled, stored, filled, stamp=stamp)
    assert (result.changes, result.problems, result.rows) == ((), (), ())


def test_template_count_rows_fill_the_group_rows(form: Any) -> None:
    """RR-02: as many rows as the template: written in place, nothing inserted,
    fewer rows leave the last row empty; both copies compare equal."""
    template, compiled, stamp = form
    for count in (1, 2):
        stored = {"du_an": _rows(count)}
        filled = fill_workbook(template, compiled, stored, stamp=stamp)
        ws = _sheet(filled)
        assert ws["D3"].value == 100 and ws["B5"].value == "Tổng"
        assert ws["D4"].value == (200 if count == 2 else None)
        result = compare_upload(compiled, stored, filled, stamp=stamp)
        assert (result.changes, result.problems) == ((), ())


def test_more_rows_than_the_template_are_inserted_like_the_last_row(
    form: Any,
) -> None:
    """RR-03: four rows for a two-row group: rows 5-6 inserted with the last
    row's styles, number format, unlocked cells and per-row formula; the total,
    the ratio, the other sheet's reference, the merge, the list validation and
    the group's defined name follow; Excel is asked to recalculate."""
    template, compiled, stamp = form
    stored = {"du_an": _rows(4), "Dự án!B6": "ghi chú"}
    filled = fill_workbook(template, compiled, stored, stamp=stamp)
    book = openpyxl.load_workbook(io.BytesIO(filled))
    ws = book["Dự án"]
    assert [ws[f"D{r}"].value for r in range(3, 7)] == [100, 200, 300, 400]
    assert [ws[f"F{r}"].value for r in range(3, 7)] == [
        "=D3-E3",
        "=D4-E4",
        "=D5-E5",
        "=D6-E6",
    ]
    assert ws["D6"].number_format == "#,##0" and not ws["D6"].protection.locked
    assert ws["B6"].value == "Dự án 4" and ws["A6"].value is None
    assert [ws[f"{c}7"].value for c in "BDEF"] == [
        "Tổng",
        "=SUM(D3:D6)",
        "=SUM(E3:E6)",
        "=SUM(F3:F6)",
    ]
    assert ws["B8"].value == "ghi chú"
    assert ws["E9"].value == "=IFERROR(ROUND(E7/D7*100,2),0)"
    assert book["Tổng hợp"]["B1"].value == "='Dự án'!D7"
    assert sorted(str(m) for m in ws.merged_cells.ranges) == ["A1:F1", "B8:F8"]
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == [
        "C3:C6",
        "D3:D6",
        "B8",
    ]
    assert book.defined_names["LAP_du_an"].attr_text == "'Dự án'!$B$3:$F$6"
    assert book.calculation.fullCalcOnLoad


def test_cached_results_land_on_the_moved_cells(form: Any) -> None:
    """RR-04: results keyed by template address move with their row; a result
    keyed ``group[i].F`` lands on row i of the grown group."""
    template, compiled, stamp = form
    computed = {"Dự án!D5": 1000, "Dự án!F3": 90, "du_an[3].F": 360}
    filled = fill_workbook(
        template, compiled, {"du_an": _rows(4)}, computed, stamp=stamp
    )
    ws = _sheet(filled, data_only=True)
    assert (ws["D7"].value, ws["F3"].value, ws["F6"].value) == (1000, 90, 360)


def test_more_rows_than_the_template_are_read_back(form: Any) -> None:
    """RR-05: the grown copy reads back as the same four rows (no change); a
    save keeps to the template's rows today, so the preview says FD035."""
    template, compiled, stamp = form
    stored = {"du_an": _rows(4), "Dự án!B6": "ghi chú"}
    filled = fill_workbook(template, compiled, stored, stamp=stamp)
    result = compare_upload(compiled, stored, filled, stamp=stamp)
    assert result.changes == ()
    assert [p.message for p in result.problems] == [
        Code.FD035.format(sheet="Dự án", rows="3-6", value=GROUP, count=4, limit=2)
    ]
    edited = compare_upload(
        compiled, stored, _edited(filled, D6=401, B8="mới"), stamp=stamp
    )
    assert [(c.address, c.old, c.new) for c in edited.changes] == [
        ("Dự án!B6", "ghi chú", "mới"),
        ("du_an[3].D", 400, 401),
    ]


def test_edited_rows_give_changes_keyed_by_group_row(form: Any) -> None:
    """RR-06: a changed cell, a row added in the empty template row and a row
    emptied: changes keyed ``group[i].D`` with group, row and column in the
    label, the row count in ``rows``; applying stores what the web form does."""
    template, compiled, stamp = form
    stored = {"du_an": _rows(1)}
    filled = fill_workbook(template, compiled, stored, stamp=stamp)
    upload = _edited(filled, D3=150, B4="Cầu mới", D4=50)
    result = compare_upload(compiled, stored, upload, stamp=stamp)
    assert [(c.address, c.label, c.old, c.new) for c in result.changes] == [
        ("du_an[0].D", f"{GROUP} — dòng 1 — Vốn kế hoạch", 100, 150),
        ("du_an[1].B", f"{GROUP} — dòng 2 — Tên dự án", None, "Cầu mới"),
        ("du_an[1].D", f"{GROUP} — dòng 2 — Vốn kế hoạch", None, 50),
    ]
    assert result.rows == (GroupRows("du_an", GROUP, 1, 2),)
    assert result.applicable
    assert apply_changes(compiled, stored, result.updates()) == {
        "du_an": [
            {"B": "Dự án 1", "C": "Nhóm A", "D": 150, "E": 10},
            {"B": "Cầu mới", "D": 50},
        ]
    }
    saved = {"du_an": _rows(2)}
    emptied = _edited(
        fill_workbook(template, compiled, saved, stamp=stamp),
        B4=None,
        C4=None,
        D4=None,
        E4=None,
    )
    removed = compare_upload(compiled, saved, emptied, stamp=stamp)
    assert removed.rows == (GroupRows("du_an", GROUP, 2, 1),)
    assert apply_changes(compiled, saved, removed.updates()) == {"du_an": _rows(1)}


def test_a_wrong_value_in_a_repeat_cell_is_named_by_its_cell(form: Any) -> None:
    """RR-07: text in an integer column and a value outside the list: FD031 with
    the cell's address and its group-row label; nothing applicable."""
    template, compiled, stamp = form
    stored = {"du_an": _rows(2)}
    upload = _edited(
        fill_workbook(template, compiled, stored, stamp=stamp), D4="nhiều", C3="Nhóm Z"
    )
    result = compare_upload(compiled, stored, upload, stamp=stamp)
    assert [(p.code, p.address, p.label) for p in result.problems] == [
        ("FD031", "Dự án!C3", f"{GROUP} — dòng 1 — Loại"),
        ("FD031", "Dự án!D4", f"{GROUP} — dòng 2 — Vốn kế hoạch"),
    ]
    assert result.problems[1].message == Code.FD031.format(
        sheet="Dự án", cell="D4", value="'nhiều'", kind="số nguyên"
    )
    assert result.changes == () and not result.applicable


def test_rows_inserted_in_excel_are_found_before_the_total_row(form: Any) -> None:
    """RR-08: a row inserted in Excel (total row and formulas moved down, as
    Excel does) is read as row 3 of the group; a wrong value in it is named
    by its cell in the upload, as are the schema's refusals (a row value over
    the limit, the moved note too long); the rows below compare with the
    template."""
    template, compiled, stamp = form
    stored = {"du_an": _rows(2)}
    book = openpyxl.load_workbook(
        io.BytesIO(fill_workbook(template, compiled, stored, stamp=stamp))
    )
    ws = book["Dự án"]
    ws.insert_rows(5)
    ws.merged_cells.ranges = set()
    ws.merge_cells("A1:F1")
    ws.merge_cells("B7:F7")
    for col, formula in zip(
        "DEF", ("=SUM(D3:D5)", "=SUM(E3:E5)", "=SUM(F3:F5)"), strict=True
    ):
        ws[f"{col}6"] = formula
    ws["E8"] = "=IFERROR(ROUND(E6/D6*100,2),0)"
    book["Tổng hợp"]["B1"] = "='Dự án'!D6"
    ws["B5"], ws["D5"], ws["E5"], ws["F5"] = "Kè sông", 5000, "ba", "=D5-E5"
    ws["B7"] = "một ghi chú dài quá hai mươi ký tự"
    out = io.BytesIO()
    book.save(out)
    result = compare_upload(compiled, stored, out.getvalue(), stamp=stamp)
    assert [(c.address, c.new) for c in result.changes] == [
        ("Dự án!B6", "một ghi chú dài quá hai mươi ký tự"),
        ("du_an[2].B", "Kè sông"),
        ("du_an[2].D", 5000),
    ]
    assert [(p.code, p.address, p.label) for p in result.problems] == [
        ("FD031", "Dự án!E5", f"{GROUP} — dòng 3 — Giải ngân"),
        ("FD035", "", GROUP),
        ("DV002", "Dự án!D5", f"{GROUP} — dòng 3 — Vốn kế hoạch"),
        ("DV007", "Dự án!B7", "Ghi chú — Tổng"),
    ]
    assert result.problems[2].message.startswith("[Dự án!D5]")
    assert result.problems[3].message.startswith("[Dự án!B7]")


def test_fill_refuses_bad_rows_naming_the_cell(form: Any) -> None:
    """RR-09: a stored row with a wrong type names the cell it would go to; a
    column that is not in the group is refused with its ``group[i].X`` key."""
    template, compiled, _ = form
    rows = [*_rows(2), {"D": "nhiều", "Z": 1}]
    with pytest.raises(FillError) as caught:
        fill_workbook(template, compiled, {"du_an": rows})
    assert caught.value.problems == (
        Code.FD031.format(sheet="Dự án", cell="D5", value="'nhiều'", kind="số nguyên"),
        Code.FD032.format(value="du_an[2].Z"),
    )
    with pytest.raises(FillError):
        apply_changes(compiled, {}, {"du_an[0].Z": 1})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=SUM(D3:D4)", "=SUM(D3:D6)"),
        ("=D5-E5+$D$7", "=D7-E7+$D$9"),
        ("='Dự án'!D5+Khác!D5", "='Dự án'!D7+Khác!D5"),
        ('=IF(A1="D5",LOG10(D5),D4)', '=IF(A1="D5",LOG10(D7),D4)'),
        ("=SUM(D4:D5)", "=SUM(D4:D7)"),
    ],
)
def test_shift_formula_moves_what_excel_moves(formula: str, expected: str) -> None:
    """RR-10: rows below move, a range over the whole group grows, other sheets,
    text in quotes and function names stay."""
    span = RowSpan("Dự án", 3, 4, 6)
    assert shift_formula(formula, "Dự án", 9, span) == expected


def test_a_row_deleted_in_excel_removes_the_row(form: Any) -> None:
    """RR-11: the second row deleted in Excel (everything below moved up, the
    total's range shrunk, as Excel does): the group has one row left, its
    cells are cleared, and the missing per-row formula is not FD033."""
    template, compiled, stamp = form
    stored = {"du_an": _rows(2), "Dự án!B6": "ghi chú"}
    book = openpyxl.load_workbook(
        io.BytesIO(fill_workbook(template, compiled, stored, stamp=stamp))
    )
    ws = book["Dự án"]
    ws.delete_rows(4)
    ws.merged_cells.ranges = set()
    ws.merge_cells("A1:F1")
    ws.merge_cells("B5:F5")
    for col in "DEF":
        ws[f"{col}4"] = f"=SUM({col}3:{col}3)"
    ws["E6"] = "=IFERROR(ROUND(E4/D4*100,2),0)"
    book["Tổng hợp"]["B1"] = "='Dự án'!D4"
    out = io.BytesIO()
    book.save(out)
    result = compare_upload(compiled, stored, out.getvalue(), stamp=stamp)
    assert result.problems == ()
    assert result.rows == (GroupRows("du_an", GROUP, 2, 1),)
    assert {c.address for c in result.changes} == {
        "du_an[1].B",
        "du_an[1].C",
        "du_an[1].D",
        "du_an[1].E",
    }
    assert apply_changes(compiled, stored, result.updates()) == {
        "du_an": _rows(1),
        "Dự án!B6": "ghi chú",
    }


def test_a_group_at_the_bottom_ends_at_the_first_empty_row(make_xlsx: Any) -> None:
    """RR-12: nothing below the group in the template: rows typed under it are
    read up to the first empty row; a value after that row is not part of the
    group (FD030: not an input cell)."""
    template = make_xlsx(
        {"DS": "| STT | Tên | Số |\n| 1 | ?@ | ?0 |\n| 2 | ?@ | ?0 |"},
        protected=["DS"],
        names={"LAP_ds": "'DS'!$B$2:$C$3"},
    )
    compiled = compile_workbook(template)
    book = openpyxl.load_workbook(io.BytesIO(fill_workbook(template, compiled, {})))
    for ref, value in {"B2": "a", "B4": "c", "C4": 3, "B6": "lạc"}.items():
        book["DS"][ref] = value
    out = io.BytesIO()
    book.save(out)
    result = compare_upload(compiled, {}, out.getvalue())
    assert [(c.address, c.new) for c in result.changes] == [
        ("ds[0].B", "a"),
        ("ds[2].B", "c"),
        ("ds[2].C", 3),
    ]
    assert [(p.code, p.address) for p in result.problems] == [
        ("FD030", "DS!B6"),
        ("FD035", ""),
    ]


def test_two_groups_on_one_sheet_grow_and_read_back(make_xlsx: Any) -> None:
    """RR-13: two groups on one sheet, each given a row more than its template:
    both grow (the lower one moved by the upper one, the total below them
    adjusted twice) and read back unchanged, though the upper group's total
    row has only a formula in the column where its rows have theirs."""
    sheet = """
    | Tên | Số | Gấp đôi |
    | ?@  | ?0 | =B2*2   |
    | ?@  | ?0 | =B3*2   |
    |     |    | =SUM(C2:C3) |
    | Tên | Số |         |
    | ?@  | ?0 |         |
    | ?@  | ?0 |         |
    | Tổng | =SUM(B6:B7) | =C4+B8 |
    """
    template = make_xlsx(
        {"S": sheet},
        protected=["S"],
        names={"LAP_a": "'S'!$A$2:$C$3", "LAP_b": "'S'!$A$6:$B$7"},
    )
    compiled = compile_workbook(template)
    stored = {
        "a": [{"A": f"a{i}", "B": i} for i in range(3)],
        "b": [{"A": f"b{i}", "B": 10 * i} for i in range(3)],
    }
    filled = fill_workbook(template, compiled, stored)
    ws = _sheet(filled, "S")
    assert [ws[f"A{r}"].value for r in range(2, 12)] == [
        "a0", "a1", "a2", None, "Tên", "b0", "b1", "b2", "Tổng", None,
    ]  # fmt: skip
    assert (ws["C4"].value, ws["C5"].value) == ("=B4*2", "=SUM(C2:C4)")
    assert (ws["B10"].value, ws["C10"].value) == ("=SUM(B7:B9)", "=C5+B10")
    result = compare_upload(compiled, stored, filled)
    assert result.changes == ()
    assert [(p.code, p.label) for p in result.problems] == [
        ("FD035", "S (a)"),
        ("FD035", "S (b)"),
    ]
