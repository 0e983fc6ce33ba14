"""Comparing an uploaded filled copy with stored data (issue #4 item 5), pure."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import Code, FillError, compile_workbook
from baocao.form_designer.fill import fill_workbook
from baocao.form_designer.roundtrip import apply_changes, compare_upload, form_stamp

SHEET = """
| Chỉ tiêu  | Đơn vị | Giá trị |
| Số hộ     | hộ     | ?0      |
| Có điện   |        | ?@      |
| Ghi chú   |        | ?@      |
| Tổng      |        | =C2*2   |
"""
C2, C3, C4, C5 = (f"B!C{row}" for row in (2, 3, 4, 5))


@pytest.fixture
def form(make_xlsx: Any) -> tuple[bytes, Any, str]:
    """(template, compiled, stamp): C2 integer 0..100, C3 "Có"/"Không", C5 formula."""
    data = make_xlsx(
        {"B": SHEET},
        protected=["B"],
        validations={
            "B": [
                (
                    "C2",
                    {
                        "type": "whole",
                        "operator": "between",
                        "formula1": "0",
                        "formula2": "100",
                    },
                ),
                ("C3", '"Có,Không"'),
            ]
        },
    )
    compiled = compile_workbook(data)
    return data, compiled, form_stamp("f1", 2, compiled.source_sha256)


def _copy(form: tuple[bytes, Any, str], stored: dict[str, Any], **cells: Any) -> bytes:
    template, compiled, stamp = form
    filled = fill_workbook(template, compiled, stored, stamp=stamp)
    book = openpyxl.load_workbook(io.BytesIO(filled))
    for ref, value in cells.items():
        book["B"][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_unchanged_copy_changes_nothing(form: Any) -> None:
    """RT-10: the downloaded copy uploaded as is: no change, no problem."""
    stored = {C2: 40, C3: "Có"}
    result = compare_upload(form[1], stored, _copy(form, stored), stamp=form[2])
    assert (result.changes, result.problems, result.applicable) == ((), (), False)


def test_changes_are_listed_cell_by_cell(form: Any) -> None:
    """RT-11: each changed input with its label, old and new value; an emptied
    cell clears; the updates give the data to save."""
    stored = {C2: 40, C4: "cũ"}
    upload = _copy(form, stored, C2=41, C3="Không", C4=None)
    result = compare_upload(form[1], stored, upload, stamp=form[2])
    assert [(c.address, c.label, c.old, c.new) for c in result.changes] == [
        (C2, "Số hộ — Giá trị", 40, 41),
        (C3, "Có điện — Giá trị", None, "Không"),
        (C4, "Ghi chú — Giá trị", "cũ", None),
    ]
    assert result.applicable and result.problems == ()
    assert apply_changes(form[1], stored, result.updates()) == {C2: 41, C3: "Không"}


def test_wrong_cells_are_listed_with_their_messages(form: Any) -> None:
    """RT-12: wrong type, out of range, not allowed, formula overwritten: each
    listed with code and message; nothing applicable."""
    stored = {C2: 40}
    upload = _copy(form, stored, C2=500, C3="Có lẽ", C5=7)
    result = compare_upload(form[1], stored, upload, stamp=form[2])
    found = {(p.code, p.address) for p in result.problems}
    assert found == {("DV002", C2), ("FD031", C3), ("FD033", C5)}
    by_code = {p.code: p.message for p in result.problems}
    assert by_code["FD033"] == Code.FD033.format(
        sheet="B", cell="C5", value="7", formula="=C2*2"
    )
    assert not result.applicable
    typed = compare_upload(form[1], stored, _copy(form, stored, C2="nhiều"))
    assert [p.message for p in typed.problems] == [
        Code.FD031.format(sheet="B", cell="C2", value="'nhiều'", kind="số nguyên")
    ]


def test_a_copy_of_another_version_or_not_an_xlsx_is_refused(
    form: Any, make_xlsx: Any
) -> None:
    """RT-13: another version's stamp, a workbook without the form's sheet,
    and bytes that are not an .xlsx: one whole-file problem, no change."""
    stored = {C2: 1}
    other = compare_upload(form[1], stored, _copy(form, stored), stamp="baocao-form:x")
    assert [p.code for p in other.problems] == ["FD034"]
    foreign = make_xlsx({"Khác": "| a | b |"})
    missing = compare_upload(form[1], stored, foreign, stamp=form[2])
    assert missing.problems[0].message == Code.FD034.format(value="thiếu sheet 'B'")
    broken = compare_upload(form[1], stored, b"not a zip", stamp=form[2])
    assert [p.message for p in broken.problems] == [Code.FD001.format()]
    assert other.changes == missing.changes == broken.changes == ()


def test_apply_changes_refuses_cells_that_are_not_inputs(form: Any) -> None:
    """RT-14: an address outside the form's inputs is refused (FD032)."""
    with pytest.raises(FillError) as caught:
        apply_changes(form[1], {}, {C5: 3, "B!Z99": 1})
    assert caught.value.code == "FD032"
    assert caught.value.problems == (
        Code.FD032.format(value=C5),
        Code.FD032.format(value="B!Z99"),
    )
