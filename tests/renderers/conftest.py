"""A hand-written CompiledForm (schema + layout) that follows docs/compiled_form.md.

It mirrors the shape of ``../shared/templates/bieu01_ktxh.xlsx``: title rows, a
two-row merged header, a section row, input rows with a computed ratio, a total
row; a second sheet with text, date, list and a repeatable group of projects.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

SHEET = "Biểu 01"
INFO = "Thông tin"
THIN = {"top": "thin", "bottom": "thin", "left": "thin", "right": "thin"}
INDICATORS = [
    "Tổng sản phẩm (GRDP)",
    "Thu ngân sách",
    "Kim ngạch xuất khẩu",
    "Sản lượng lúa",
]


def _style(**overrides: Any) -> dict[str, Any]:
    style = {
        "bold": False,
        "italic": False,
        "underline": False,
        "font_size": 12,
        "font_color": "#000000",
        "fill": None,
        "align": None,
        "valign": "center",
        "wrap": True,
        "indent": 0,
        "border": dict(THIN),
    }
    style.update(overrides)
    return style


def _cell(
    sheet: str,
    ref: str,
    row: int,
    col: int,
    *,
    role: str = "label",
    text: str | None = None,
    value: Any = None,
    number_format: str = "General",
    **style: Any,
) -> dict[str, Any]:
    return {
        "address": f"{sheet}!{ref}",
        "ref": ref,
        "row": row,
        "col": col,
        "role": role,
        "text": text,
        "value": value,
        "number_format": number_format,
        "style": _style(**style),
    }


def _letter(col: int) -> str:
    return "ABCDEFGHIJ"[col - 1]


def build_form(rows: int = 4) -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema, layout) with ``rows`` indicator rows (2 inputs each) on sheet 1."""
    none = {"top": None, "bottom": None, "left": None, "right": None}
    cells = [
        _cell(
            SHEET,
            "A1",
            1,
            1,
            text="ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
            bold=True,
            border=none,
            wrap=False,
        ),
        _cell(
            SHEET, "A2", 2, 1, text="SỞ TÀI CHÍNH", bold=True, border=none, wrap=False
        ),
        _cell(
            SHEET,
            "A4",
            4,
            1,
            text="KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI",
            bold=True,
            align="center",
            border=none,
            font_size=14,
        ),
        _cell(
            SHEET,
            "A5",
            5,
            1,
            text="Kỳ báo cáo: Tháng 3 năm 2026",
            italic=True,
            align="center",
            border=none,
        ),
        _cell(SHEET, "A7", 7, 1, text="STT", bold=True, align="center"),
        _cell(SHEET, "B7", 7, 2, text="Chỉ tiêu", bold=True, align="center"),
        _cell(SHEET, "C7", 7, 3, text="Đơn vị tính", bold=True, align="center"),
        _cell(SHEET, "D7", 7, 4, text="Năm 2026", bold=True, align="center"),
        _cell(SHEET, "E7", 7, 5, text="", border=THIN),
        _cell(SHEET, "F7", 7, 6, text="Tỷ lệ thực hiện (%)", bold=True, align="center"),
        _cell(SHEET, "D8", 8, 4, text="Kế hoạch", bold=True, align="center"),
        _cell(SHEET, "E8", 8, 5, text="Thực hiện", bold=True, align="center"),
        _cell(SHEET, "A9", 9, 1, text="I", bold=True, align="center"),
        _cell(SHEET, "B9", 9, 2, text="KINH TẾ", bold=True),
    ]
    cells = [c for c in cells if c["ref"] != "E7"]
    properties: dict[str, Any] = {}
    first = 10
    for i in range(rows):
        r = first + i
        name = INDICATORS[i % len(INDICATORS)] + (
            "" if i < len(INDICATORS) else f" {i + 1}"
        )
        cells += [
            _cell(SHEET, f"A{r}", r, 1, value=i + 1, align="center"),
            _cell(SHEET, f"B{r}", r, 2, text=name),
            _cell(SHEET, f"C{r}", r, 3, text="Tỷ đồng", align="center"),
            _cell(SHEET, f"D{r}", r, 4, role="input", number_format="#,##0.00"),
            _cell(SHEET, f"E{r}", r, 5, role="input", number_format="#,##0.00"),
            _cell(SHEET, f"F{r}", r, 6, role="computed", number_format="0.00"),
        ]
        for col, heading in (("D", "Kế hoạch"), ("E", "Thực hiện")):
            properties[f"{SHEET}!{col}{r}"] = {
                "type": "number",
                "minimum": 0,
                "title": f"{name} — {heading}",
                "x-cell": f"{SHEET}!{col}{r}",
                "x-kind": "decimal",
                "x-indicator": f"CT{i + 1:03d}{col}",
                "x-aggregate": "sum",
            }
    total = first + rows
    cells += [
        _cell(
            SHEET, f"B{total}", total, 2, text="Tổng cộng", bold=True, align="center"
        ),
        _cell(
            SHEET,
            f"D{total}",
            total,
            4,
            role="computed",
            number_format="#,##0.00",
            bold=True,
        ),
        _cell(
            SHEET,
            f"E{total}",
            total,
            5,
            role="computed",
            number_format="#,##0.00",
            bold=True,
        ),
        _cell(
            SHEET,
            f"A{total + 2}",
            total + 2,
            1,
            text="Ghi chú: số liệu ước tính.",
            italic=True,
            border=none,
            wrap=False,
        ),
    ]
    sheet1 = {
        "name": SHEET,
        "protected": True,
        "orientation": "portrait",
        "freeze": None,
        "columns": [
            {"index": i, "letter": _letter(i), "width": w, "hidden": False}
            for i, w in enumerate([6.0, 42.0, 12.0, 14.0, 14.0, 14.0], start=1)
        ],
        "rows": [{"index": 7, "height": 30.0, "hidden": False}],
        "merges": ["A4:F4", "A5:F5", "A7:A8", "B7:B8", "C7:C8", "D7:E7", "F7:F8"],
        "cells": cells,
        "repeats": [],
    }
    sheet2, props2 = _info_sheet()
    properties.update(props2)
    layout = {"version": 1, "sheets": [sheet1, sheet2]}
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "test",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": [f"{SHEET}!D{first}"],
    }
    return schema, layout


def _info_sheet() -> tuple[dict[str, Any], dict[str, Any]]:
    cells = [
        _cell(INFO, "A1", 1, 1, text="Người lập biểu", bold=True),
        _cell(INFO, "B1", 1, 2, role="input", number_format="@"),
        _cell(INFO, "A2", 2, 1, text="Ngày lập", bold=True),
        _cell(INFO, "B2", 2, 2, role="input", number_format="dd/mm/yyyy"),
        _cell(INFO, "A3", 3, 1, text="Loại báo cáo", bold=True),
        _cell(INFO, "B3", 3, 2, role="input"),
        _cell(INFO, "A5", 5, 1, text="Tên dự án", bold=True, align="center"),
        _cell(INFO, "B5", 5, 2, text="Vốn (triệu đồng)", bold=True, align="center"),
        _cell(INFO, "C5", 5, 3, text="Vốn (nghìn đồng)", bold=True, align="center"),
    ]
    for r in (6, 7):
        cells += [
            _cell(INFO, f"A{r}", r, 1, role="input", number_format="@"),
            _cell(INFO, f"B{r}", r, 2, role="input", number_format="#,##0"),
            _cell(INFO, f"C{r}", r, 3, role="computed", number_format="#,##0"),
        ]
    properties = {
        f"{INFO}!B1": {
            "type": "string",
            "maxLength": 100,
            "title": "Người lập biểu",
            "x-kind": "text",
        },
        f"{INFO}!B2": {
            "type": "string",
            "format": "date",
            "title": "Ngày lập",
            "x-kind": "date",
        },
        f"{INFO}!B3": {
            "type": "string",
            "enum": ["Định kỳ", "Chuyên đề", "Đột xuất"],
            "title": "Loại báo cáo",
            "x-kind": "choice",
        },
        "du_an": {
            "type": "array",
            "x-repeat": {"sheet": INFO, "first_row": 6, "last_row": 7},
            "items": {
                "type": "object",
                "properties": {
                    "A": {"type": "string", "title": "Tên dự án", "x-kind": "text"},
                    "B": {
                        "type": "number",
                        "title": "Vốn (triệu đồng)",
                        "x-kind": "decimal",
                        "x-indicator": "VON",
                    },
                },
            },
        },
    }
    sheet = {
        "name": INFO,
        "protected": True,
        "orientation": "portrait",
        "freeze": None,
        "columns": [
            {"index": 1, "letter": "A", "width": 30.0, "hidden": False},
            {"index": 2, "letter": "B", "width": 20.0, "hidden": False},
            {"index": 3, "letter": "C", "width": 20.0, "hidden": False},
        ],
        "rows": [],
        "merges": [],
        "cells": cells,
        "repeats": [
            {"name": "du_an", "first_row": 6, "last_row": 7, "columns": ["A", "B"]}
        ],
    }
    return sheet, properties


def sample_values(rows: int = 4) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data, computed) for :func:`build_form`, computed by hand."""
    data: dict[str, Any] = {}
    computed: dict[str, Any] = {}
    total_d = total_e = 0.0
    for i in range(rows):
        r = 10 + i
        d, e = 1234567.891 * (i + 1), 1000000.5 * (i + 1)
        data[f"{SHEET}!D{r}"], data[f"{SHEET}!E{r}"] = d, e
        computed[f"{SHEET}!F{r}"] = round(e / d * 100, 2)
        total_d, total_e = total_d + d, total_e + e
    computed[f"{SHEET}!D{10 + rows}"], computed[f"{SHEET}!E{10 + rows}"] = (
        total_d,
        total_e,
    )
    data.update(
        {
            f"{INFO}!B1": '=HYPERLINK("http://x")',
            f"{INFO}!B2": "2026-03-05",
            f"{INFO}!B3": "Chuyên đề",
            "du_an": [
                {"A": "Đường Hồ Chí Minh", "B": 1500},
                {"A": "Cầu Cao Lãnh", "B": 2500},
                {"A": "Trường Mỹ Thọ", "B": 700},
            ],
        }
    )
    computed.update({f"{INFO}!C6": 1500000, f"{INFO}!C7": 2500000})
    return data, computed


@pytest.fixture(scope="session")
def sample() -> SimpleNamespace:
    """The builders, for module-scoped fixtures (conftest is not importable)."""
    return SimpleNamespace(
        build_form=build_form, sample_values=sample_values, SHEET=SHEET, INFO=INFO
    )


@pytest.fixture
def form() -> tuple[dict[str, Any], dict[str, Any]]:
    return build_form()


@pytest.fixture
def values() -> tuple[dict[str, Any], dict[str, Any]]:
    return sample_values()
