"""Benchmarks of baocao.renderers (DESIGN.md §10), printed as numbers.

- server render of a data-entry page with 2,000 inputs (goal ≤ 100 ms);
- PDF of a 3-page filled table (goal ≤ 0.3 s);
- long-form CSV of the same submission.

The form is synthetic but shaped like the agency templates: a title row, a
two-row merged header, indicator rows with two inputs and a computed ratio
each. Run: ``python benchmarks/bench_render.py``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from baocao.renderers import (
    PdfHeader,
    SignatureBlock,
    render_csv,
    render_entry_form,
    render_pdf_document,
)

SHEET = "Biểu 01"
BORDER = {"top": "thin", "bottom": "thin", "left": "thin", "right": "thin"}
Documents = tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]


def _cell(
    ref: str, row: int, col: int, role: str = "label", **extra: Any
) -> dict[str, Any]:
    style = {
        "bold": extra.pop("bold", False),
        "italic": False,
        "align": extra.pop("align", None),
        "valign": "center",
        "wrap": True,
        "font_size": 12,
        "fill": None,
        "border": dict(BORDER),
    }
    return {
        "address": f"{SHEET}!{ref}",
        "ref": ref,
        "row": row,
        "col": col,
        "role": role,
        "text": extra.pop("text", None),
        "value": extra.pop("value", None),
        "number_format": extra.pop("number_format", "General"),
        "style": style,
    }


def _header_cells() -> list[dict[str, Any]]:
    bold = {"bold": True, "align": "center"}
    return [
        _cell("A1", 1, 1, text="KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", **bold),
        _cell("A3", 3, 1, text="STT", **bold),
        _cell("B3", 3, 2, text="Chỉ tiêu", **bold),
        _cell("C3", 3, 3, text="Năm 2026", **bold),
        _cell("E3", 3, 5, text="Tỷ lệ (%)", **bold),
        _cell("C4", 4, 3, text="Kế hoạch", **bold),
        _cell("D4", 4, 4, text="Thực hiện", **bold),
    ]


def build(rows: int) -> Documents:
    """(schema, layout, data, computed) with ``rows`` indicator rows of two inputs."""
    cells = _header_cells()
    properties: dict[str, Any] = {}
    data: dict[str, Any] = {}
    computed: dict[str, Any] = {}
    for i in range(rows):
        r = 5 + i
        cells += [
            _cell(f"A{r}", r, 1, value=i + 1, align="center"),
            _cell(f"B{r}", r, 2, text=f"Chỉ tiêu kinh tế - xã hội số {i + 1}"),
            _cell(f"C{r}", r, 3, "input", number_format="#,##0.00"),
            _cell(f"D{r}", r, 4, "input", number_format="#,##0.00"),
            _cell(f"E{r}", r, 5, "computed", number_format="0.00"),
        ]
        for col in "CD":
            properties[f"{SHEET}!{col}{r}"] = {
                "type": "number",
                "minimum": 0,
                "title": f"Chỉ tiêu {i + 1} {col}",
                "x-kind": "decimal",
            }
        plan, actual = 1234567.5 + i, 1000000.25 + i
        data[f"{SHEET}!C{r}"], data[f"{SHEET}!D{r}"] = plan, actual
        computed[f"{SHEET}!E{r}"] = round(actual / plan * 100, 2)
    widths = [6.0, 40.0, 15.0, 15.0, 12.0]
    sheet = {
        "name": SHEET,
        "freeze": None,
        "columns": [
            {"index": i, "letter": "ABCDE"[i - 1], "width": w, "hidden": False}
            for i, w in enumerate(widths, start=1)
        ],
        "rows": [],
        "merges": ["A1:E1", "A3:A4", "B3:B4", "C3:D3", "E3:E4"],
        "cells": cells,
        "repeats": [],
    }
    schema = {"type": "object", "properties": properties}
    return schema, {"version": 1, "sheets": [sheet]}, data, computed


def measure(label: str, action: Callable[[], Any], repeat: int) -> float:
    """Print and return the median wall time of ``action`` in milliseconds.

    The median CPU time of this process is printed too: on a loaded machine the
    wall time includes waiting for a core, the CPU time does not.
    """
    action()  # warm caches (templates, fonts)
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(times) * 1000
    fastest = min(times) * 1000
    cpu_median = statistics.median(cpu) * 1000
    print(
        f"{label:<40} wall median {median:6.1f} ms (min {fastest:6.1f})"
        f"  cpu median {cpu_median:6.1f} ms  n={repeat}"
    )
    return median


def main() -> None:
    """Run every benchmark and print one line each."""
    schema, layout, data, computed = build(1000)
    inputs = sum(1 for c in layout["sheets"][0]["cells"] if c["role"] == "input")
    html = render_entry_form((schema, layout), data, computed)
    print(f"entry form: {inputs} inputs, {len(html) / 1024:.0f} KiB of HTML")
    measure(
        f"render_entry_form ({inputs} inputs)",
        lambda: render_entry_form((schema, layout), data, computed),
        15,
    )
    header = PdfHeader(
        agency="Sở Tài chính",
        parent_agency="Ủy ban nhân dân tỉnh Đồng Tháp",
        number="12/BC-STC",
        date=dt.date(2026, 3, 5),
    )
    signer = SignatureBlock(title="Giám đốc", name="Nguyễn Văn An")
    _, layout3, data3, computed3 = build(75)

    def pdf() -> Any:
        return render_pdf_document(
            layout3, data3, computed3, header=header, signature_block=signer
        )

    pages = pdf().page_count
    measure(f"render_pdf ({pages} A4 pages, 75 rows)", pdf, 10)
    measure(
        f"render_csv ({inputs} inputs)",
        lambda: render_csv(schema, layout, data, computed),
        10,
    )


if __name__ == "__main__":
    main()
