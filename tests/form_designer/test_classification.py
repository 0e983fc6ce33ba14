"""Cell classification (DESIGN.md §4 template conventions), one inline sheet each."""

from __future__ import annotations

import unicodedata

import pytest
from baocao.form_designer import compile_workbook


def _props(data: bytes) -> dict:
    return compile_workbook(data).schema["properties"]


def test_unprotected_sheet_guesses_table_inputs(make_xlsx, validate_compiled) -> None:
    """Convention 3: empty cells right of row labels and below column headers."""
    sheet = """
    | BÁO CÁO THÁNG |          |          |           |
    |               |          |          |           |
    | STT           | Chỉ tiêu | Kế hoạch | Thực hiện |
    | I             | KINH TẾ  |          |           |
    | 1             | GRDP     |          | =C5*2     |
    | 2             | Thu NS   |          |           |
    |               |          |          |           |
    | Ghi chú       |          |          |           |
    """
    data = make_xlsx({"Biểu": sheet}, bold_rows={"Biểu": [3, 4]})
    compiled = compile_workbook(data)
    validate_compiled(compiled)
    assert list(compiled.schema["properties"]) == ["Biểu!C5", "Biểu!C6", "Biểu!D6"]
    assert compiled.schema["properties"]["Biểu!C5"]["title"] == "GRDP — Kế hoạch"
    roles = {c["ref"]: c["role"] for c in compiled.layout["sheets"][0]["cells"]}
    assert (roles["C5"], roles["D5"], roles["A1"]) == ("input", "computed", "label")


@pytest.mark.parametrize(
    ("number_format", "kind", "json_type"),
    [
        ("0", "integer", "integer"),
        ("#,##0", "integer", "integer"),
        ("#,##0.00", "decimal", "number"),
        ("General", "decimal", "number"),
        ("0.0%", "percent", "number"),
        ("dd/mm/yyyy", "date", "string"),
        ("@", "text", "string"),
    ],
    ids=["int", "int-thousands", "decimal", "general", "percent", "date", "text"],
)
def test_number_format_gives_kind(make_xlsx, number_format, kind, json_type) -> None:
    """Convention 4: number formats → integer / decimal / percent / date / text."""
    data = make_xlsx(
        {"B": f"| Chỉ tiêu | Giá trị |\n| GRDP | ?{number_format} |"}, protected=["B"]
    )
    prop = _props(data)["B!B2"]
    assert (prop["x-kind"], prop["type"]) == (kind, json_type)
    assert prop["x-aggregate"] == {
        "percent": "average",
        "integer": "sum",
        "decimal": "sum",
    }.get(kind, "none")


def test_validation_rules_give_enum_bounds_and_length(make_xlsx) -> None:
    """Convention 4: validation lists → enum (literal or a range), whole → bounds."""
    sheet = """
    | Chỉ tiêu | A | B | C | D |
    | Dòng 1   | ? | ? | ? | ? |
    """
    rules = [
        ("B2", "Danh mục!$A$1:$A$3"),
        (
            "C2",
            {
                "type": "whole",
                "operator": "between",
                "formula1": "0",
                "formula2": "100",
            },
        ),
        ("D2", {"type": "textLength", "operator": "lessThanOrEqual", "formula1": "20"}),
        ("E2", '"TRUE,FALSE"'),
    ]
    lists = "| Xã |\n| Phường |\n| Thị trấn |"
    data = make_xlsx(
        {"B": sheet, "Danh mục": lists},
        protected=["B", "Danh mục"],
        validations={"B": rules},
    )
    props = _props(data)
    assert props["B!B2"]["enum"] == ["Xã", "Phường", "Thị trấn"]
    assert (
        props["B!C2"]["type"],
        props["B!C2"]["minimum"],
        props["B!C2"]["maximum"],
    ) == ("integer", 0, 100)
    assert props["B!D2"]["maxLength"] == 20
    assert props["B!E2"]["x-kind"] == "boolean"


def test_merged_block_is_narrative(make_xlsx, validate_compiled) -> None:
    """Convention 4: a merged block of several rows → rich-text (narrative) field."""
    sheet = """
    | I. ĐÁNH GIÁ CHUNG |   |   |
    |                   |   |   |
    |                   |   |   |
    | II. KIẾN NGHỊ     |   |   |
    |                   |   |   |
    |                   |   |   |
    """
    data = make_xlsx({"Thuyết minh": sheet}, merges={"Thuyết minh": ["A2:C3", "A5:C6"]})
    compiled = compile_workbook(data)
    validate_compiled(compiled)
    props = compiled.schema["properties"]
    assert list(props) == ["Thuyết minh!A2", "Thuyết minh!A5"]
    assert props["Thuyết minh!A2"]["x-kind"] == "narrative"
    assert props["Thuyết minh!A2"]["contentMediaType"] == "text/html"
    assert props["Thuyết minh!A2"]["title"] == "I. ĐÁNH GIÁ CHUNG (dòng 2)"
    roles = {c["ref"]: c["role"] for c in compiled.layout["sheets"][0]["cells"]}
    assert roles["A2"] == "narrative"


def test_repeat_group_from_defined_name(make_xlsx, validate_compiled) -> None:
    """Convention 5: LAP_<name> marks repeatable rows; SUM over them expands."""
    sheet = """
    | STT | Dự án | Vốn KH | Giải ngân | Tỷ lệ |
    | 1   | ?@    | ?0     | ?0        | =IFERROR(D2/C2,0) |
    | 2   | ?@    | ?0     | ?0        | =IFERROR(D3/C3,0) |
    | 3   | ?@    | ?0     | ?0        | =IFERROR(D4/C4,0) |
    |     | Tổng  | =SUM(C2:C4) | =SUM(D2:D4) | =IFERROR(D5/C5,0) |
    """
    data = make_xlsx(
        {"DA": sheet}, protected=["DA"], names={"LAP_du_an": "DA!$B$2:$D$4"}
    )
    compiled = compile_workbook(data)
    validate_compiled(compiled)
    group = compiled.schema["properties"]["du_an"]
    assert list(compiled.schema["properties"]) == ["du_an"]
    assert (group["type"], group["x-first-row"], group["x-last-row"]) == ("array", 2, 4)
    assert list(group["items"]["properties"]) == ["B", "C", "D"]
    assert group["items"]["properties"]["C"]["x-kind"] == "integer"
    cells = compiled.formulas["cells"]
    expanding = [a for a, c in cells.items() if c.get("x-expands") == ["du_an"]]
    assert expanding == ["DA!C5", "DA!D5"]
    assert "x-expands" not in cells["DA!E3"]
    inputs = compiled.formulas["inputs"]
    assert inputs["DA!C3"] == {"aggregate": "sum", "x-repeat": "du_an"}
    layout = compiled.layout["sheets"][0]["repeats"]
    assert layout == [
        {"name": "du_an", "first_row": 2, "last_row": 4, "columns": ["B", "C", "D"]}
    ]


def test_indicator_codes_from_comment_and_defined_name(make_xlsx) -> None:
    """Must have 7: indicator codes kept in the schema (x-indicator)."""
    sheet = "| Chỉ tiêu | Kế hoạch | Thực hiện |\n| GRDP | ? | ? |"
    data = make_xlsx(
        {"B": sheet},
        protected=["B"],
        comments={"B!B2": "Chỉ tiêu: GRDP01"},
        names={"CT_GRDP02": "B!$C$2"},
    )
    props = _props(data)
    assert props["B!B2"]["x-indicator"] == "GRDP01"
    assert props["B!C2"]["x-indicator"] == "GRDP02"


def test_nfc_normalises_decomposed_text(make_xlsx) -> None:
    """Vietnamese typed as decomposed Unicode compares equal after reading."""
    nfd = unicodedata.normalize("NFD", "Tổng")
    assert nfd != "Tổng"
    data = make_xlsx({"B": f"| Chỉ tiêu | Giá trị |\n| {nfd} | ? |"}, protected=["B"])
    assert _props(data)["B!B2"]["title"] == "Tổng — Giá trị"
