"""The data-entry grid HTML (issue #4 item 2), checked on the parsed markup."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from baocao.renderers import LayoutError, RenderCode, render_entry_form
from baocao.schemas import CompiledForm

SHEET = "Biểu 01"


class Cells(HTMLParser):
    """Collects every element's attributes, and the text of each <td>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.td_text: list[str] = []
        self._in_td = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "td":
            self._in_td += 1
            self.td_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_td -= 1

    def handle_data(self, data: str) -> None:
        if self._in_td:
            self.td_text[-1] += data

    def find(self, **attrs: str) -> list[tuple[str, dict[str, str | None]]]:
        return [
            e
            for e in self.elements
            if all(e[1].get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def parse(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


def test_grid_draws_merges_widths_and_typed_inputs(form: Any, values: Any) -> None:
    """Merged header cells become spans, columns keep widths, inputs are typed."""
    data, computed = values
    html = render_entry_form(form, data, computed)
    cells = parse(html)
    stt = list(cells.find(data_r="7", data_c="1"))
    assert stt[0][1]["rowspan"] == "2"
    assert cells.find(data_r="7", data_c="4")[0][1]["colspan"] == "2"
    assert cells.find(data_r="7", data_c="5") == []  # covered by D7:E7
    widths = [e[1]["style"] for e in cells.elements if e[0] == "col"][:6]
    assert widths == [
        "width:47px",
        "width:299px",
        "width:89px",
        "width:103px",
        "width:103px",
        "width:103px",
    ]
    d10 = cells.find(data_key=f"{SHEET}!D10")[0]
    assert d10[0] == "input" and d10[1]["value"] == "1.234.567,89"
    assert d10[1]["data-kind"] == "decimal" and d10[1]["data-min"] == "0"
    assert d10[1]["aria-required"] == "true"
    assert cells.find(data_key="Thông tin!B3")[0][0] == "select"
    assert cells.find(data_key="Thông tin!B2")[0][1]["type"] == "date"
    assert (
        cells.find(value="Chuyên đề")[0][1].get("selected") is None
    )  # attribute present
    assert "81,00" in cells.td_text
    assert "12.345.678,91" in cells.td_text


def test_computed_cells_are_read_only_and_labelled_for_the_script(
    form: Any, values: Any
) -> None:
    data, computed = values
    cells = parse(render_entry_form(form, data, computed))
    td = cells.find(data_key=f"{SHEET}!F10")[0]
    assert (
        td[0] == "td" and td[1]["aria-readonly"] == "true" and td[1]["data-fmt"] == "n2"
    )
    assert not [
        e
        for e in cells.elements
        if e[0] == "input" and e[1].get("data-key") == f"{SHEET}!F10"
    ]


def test_errors_at_the_cell_and_in_the_summary(form: Any, values: Any) -> None:
    """RC: validation errors shown at the cell in Vietnamese, others in the summary."""
    data, computed = values
    html = render_entry_form(
        form,
        data,
        computed,
        errors={
            f"{SHEET}!D11": "Giá trị phải lớn hơn hoặc bằng 0.",
            "Thông tin!Z9": ["Ô không tồn tại trong biểu."],
        },
    )
    cells = parse(html)
    d11 = cells.find(data_key=f"{SHEET}!D11")[0]
    assert d11[1]["aria-invalid"] == "true"
    assert "Giá trị phải lớn hơn hoặc bằng 0." in cells.td_text
    assert "Biểu mẫu còn 2 lỗi cần sửa:" in html
    link = cells.find(data_focus=d11[1]["id"])
    assert link and link[0][0] == "a"
    assert "Thông tin!Z9: Ô không tồn tại trong biểu." in html
    badge = html.split('id="bc-form-tab0"')[1].split("</button>")[0]
    assert '<span class="bc-badge">1</span>' in badge


def test_user_text_is_escaped(form: Any) -> None:
    """A value cannot inject markup: it is an attribute value, escaped."""
    html = render_entry_form(form, {"Thông tin!B1": '"><script>alert(1)</script>'}, {})
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_sheets_are_tabs_and_repeat_rows_expand(form: Any, values: Any) -> None:
    data, computed = values
    cells = parse(render_entry_form(form, data, computed))
    tabs = cells.find(role="tab")
    assert [t[1]["aria-controls"] for t in tabs] == ["bc-form-sheet0", "bc-form-sheet1"]
    panels = cells.find(role="tabpanel")
    assert "hidden" not in panels[0][1] and "hidden" in panels[1][1]
    rows = [
        e for e in cells.elements if e[0] == "tr" and e[1].get("data-repeat") == "du_an"
    ]
    assert [r[1]["data-index"] for r in rows] == ["0", "1", "2"]
    assert cells.find(data_key="du_an[2].A")[0][1]["value"] == "Trường Mỹ Thọ"
    # the third row has no template row: its computed cell is keyed by the group
    assert cells.find(data_key="du_an[2].C")[0][0] == "td"
    assert cells.find(data_key="Thông tin!C7")[0][0] == "td"
    add = cells.find(data_repeat="du_an", type="button")
    assert add[0][1]["data-template-rows"] == "2"


def test_frozen_header_rows_and_row_labels(form: Any, values: Any) -> None:
    """Header rows 7-8 go in the sticky box; columns A-C stick left (CSS sticky)."""
    data, computed = values
    html = render_entry_form(form, data, computed)
    head = html.split('<div class="bc-head"', 1)[1].split("</div>", 1)[0]
    assert 'data-r="7"' in head and 'data-r="8"' in head
    assert 'data-r="5"' not in head and 'data-r="9"' not in head
    cells = parse(html)
    label = cells.find(data_r="10", data_c="2")[0][1]
    assert "bc-fc" in label["class"] and label["style"] == "left:47px"
    title = cells.find(data_r="1", data_c="1")[0][1]
    assert "bc-fc" not in title["class"]
    # sticky cells keep their grid lines (Chrome hides collapsed borders under them)
    css_class = label["class"].split()[0]
    assert (
        f"#bc-form .bc-hscroll td.bc-fc.{css_class}{{box-shadow:inset -1px 0 0 #000}}"
        in html
    )
    assert (
        f"#bc-form .bc-hscroll td.bc-fc.{css_class}:first-child"
        "{box-shadow:inset -1px 0 0 #000,inset 1px 0 0 #000}" in html
    )


def test_long_sheet_is_cut_into_chunks_the_browser_can_skip(sample: Any) -> None:
    """150 indicator rows: chunks of about 60 rows, every input still drawn once."""
    schema, layout = sample.build_form(150)
    html = render_entry_form((schema, layout), {}, {})
    first_sheet = html.split('data-sheet="Thông tin"')[0]
    chunks = first_sheet.split('<div class="bc-chunk"')[1:]
    assert len(chunks) == 3
    assert [c.count("<tr") for c in chunks] == [60, 60, 34]
    for chunk in chunks:
        assert chunk.count("<colgroup>") == 1
        assert "contain-intrinsic-size:auto 746px auto" in chunk
    assert html.count('data-kind="decimal"') == 300 + 2  # and the project rows


def test_chunks_never_cut_a_merge_or_a_repeat_group() -> None:
    """Rows joined by a rowspan, or by a repeat group, stay in one table."""
    cells = []
    for r in range(1, 131):
        role = "input" if r % 2 else "label"
        cells.append(
            {
                "address": f"S!B{r}",
                "ref": f"B{r}",
                "row": r,
                "col": 2,
                "role": role,
                "text": None,
                "value": None,
                "number_format": "General",
                "style": {},
            }
        )
    layout = {
        "version": 1,
        "sheets": [
            {
                "name": "S",
                "columns": [],
                "rows": [],
                "cells": cells,
                "merges": ["A60:A62"],
                "repeats": [
                    {"name": "g", "first_row": 118, "last_row": 122, "columns": ["B"]}
                ],
            }
        ],
    }
    html = render_entry_form(({}, layout), {}, {})
    chunks = html.split('<div class="bc-chunk"')[1:]
    first = chunks[0]
    assert 'data-r="62"' in first and 'data-r="63"' not in first
    group_chunk = next(c for c in chunks if 'data-repeat="g"' in c)
    assert (
        group_chunk.count('class="bc-rep"') == 5 and 'class="bc-addrow"' in group_chunk
    )


def test_readonly_and_compiled_form_input(form: Any, values: Any) -> None:
    schema, layout = form
    data, computed = values
    compiled = CompiledForm(schema=schema, layout=layout, formulas={})
    html = render_entry_form(
        compiled, data, computed, readonly=True, lang="en", form_id="a b"
    )
    cells = parse(html)
    d10 = cells.find(data_key=f"{SHEET}!D10")[0][1]
    assert "readonly" in d10
    assert cells.find(id="a-b")
    assert "bc-add" not in html and "Thêm dòng" not in html


def test_layout_without_sheets_is_a_coded_error() -> None:
    with pytest.raises(LayoutError) as caught:
        render_entry_form(({}, {"version": 1, "sheets": []}), {}, {})
    assert caught.value.code == "RD004"
    assert caught.value.message == RenderCode.RD004.format()


def test_bad_merge_is_a_coded_error(form: Any) -> None:
    schema, layout = form
    layout["sheets"][0]["merges"] = ["A1"]
    with pytest.raises(LayoutError) as caught:
        render_entry_form((schema, layout), {}, {})
    assert caught.value.message == RenderCode.RD002.format(sheet=SHEET, value="A1")


def test_group_row_limits_reach_the_add_button() -> None:
    """RD-LIM: the designer's min/max rows (minItems/maxItems) are on the add
    button; at the maximum it is disabled."""
    schema = {"type": "object", "properties": {"g": {
        "type": "array", "x-repeat": "g", "x-sheet": "S", "x-first-row": 2,
        "x-last-row": 3, "minItems": 1, "maxItems": 2,
        "items": {"type": "object", "properties": {"B": {"type": "number"}}}}}}
    cell = {"address": "S!B2", "ref": "B2", "row": 2, "col": 2, "role": "input",
            "text": None, "value": None, "number_format": "General", "style": {}}
    layout = {"version": 1, "sheets": [{
        "name": "S", "protected": False, "columns": [], "rows": [], "merges": [],
        "cells": [cell, {**cell, "address": "S!B3", "ref": "B3", "row": 3}],
        "repeats": [{"name": "g", "first_row": 2, "last_row": 3, "columns": ["B"]}]}]}
    html = render_entry_form((schema, layout), {}, {})
    assert 'data-min-rows="1" data-max-rows="2" disabled>' in html
    html = render_entry_form((schema, layout), {"g": [{"B": 1}]}, {})
    assert 'data-min-rows="1" data-max-rows="2">' in html
