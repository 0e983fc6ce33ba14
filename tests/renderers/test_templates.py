"""The five real templates of ../shared/templates through every renderer.

compile_workbook → Calculator.calculate on the scenario inputs → entry HTML,
PDF and CSV. Checks that every input gets a typed control, every formula cell
shows its value in Vietnamese format, and the PDF text holds labels and values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from baocao.form_designer import compile_workbook
from baocao.renderers import (
    PdfHeader,
    SignatureBlock,
    render_csv,
    render_entry_form,
    render_pdf_document,
)
from baocao.renderers.numbers import format_value, parse_number_format
from baocao.schemas import Calculator
from support import SHARED, require

TEMPLATES = ["bieu01_ktxh", "tthc_quy", "ngansach_xa", "giaoduc_truong", "yte_danso"]
HEADER = PdfHeader(
    agency="Sở Tài chính",
    parent_agency="Ủy ban nhân dân tỉnh Đồng Tháp",
    date=dt.date(2026, 4, 10),
)
SIGNER = SignatureBlock(title="Giám đốc", name="Trần Thị Bình")


def compiled(name: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """(CompiledForm, inputs, computed) of scenario 0 ("typical")."""
    path = SHARED / "templates" / f"{name}.xlsx"
    require(path.exists(), f"template {path}")
    form = compile_workbook(path.read_bytes())
    inputs = json.loads(
        (SHARED / "templates" / f"{name}.0.inputs.json").read_text("utf-8")
    )
    return form, inputs, Calculator(form).calculate(inputs)


def _cells(form: Any) -> list[dict[str, Any]]:
    return [cell for sheet in form.layout["sheets"] for cell in sheet["cells"]]


@pytest.mark.parametrize("name", TEMPLATES, ids=TEMPLATES)
def test_entry_form_of_real_template(name: str) -> None:
    form, inputs, computed = compiled(name)
    html = render_entry_form(form, inputs, computed)
    for cell in _cells(form):
        if cell["role"] == "input":
            assert f'data-key="{cell["address"]}"' in html, cell["address"]
        if cell["role"] == "computed":
            value = format_value(
                computed.get(cell["address"]),
                parse_number_format(cell["number_format"]),
            )
            marker = f'data-key="{cell["address"]}"'
            assert marker in html, cell["address"]
            shown = html.split(marker, 1)[1].split('<span class="bc-v">', 1)[1]
            assert shown.startswith(value.replace("&", "&amp;") + "</span>"), cell[
                "address"
            ]
    sheets = form.layout["sheets"]
    assert html.count('role="tabpanel"') == len(sheets)


@pytest.mark.parametrize("name", TEMPLATES, ids=TEMPLATES)
def test_pdf_of_real_template(name: str, tmp_path: Path) -> None:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    form, inputs, computed = compiled(name)
    result = render_pdf_document(
        form.layout, inputs, computed, header=HEADER, signature_block=SIGNER
    )
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(result.data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = set(text.split())
    assert "Đồng Tháp, ngày 10 tháng 4 năm 2026" in " ".join(text.split())
    labels = [
        c["text"]
        for c in _cells(form)
        if c["role"] == "label"
        and c.get("text")
        and c["row"] > 6
        and len(c["text"]) < 30
    ]
    for label in labels[:15]:
        assert all(word in words for word in label.split()), label
    numbers = [
        format_value(computed[c["address"]], parse_number_format(c["number_format"]))
        for c in _cells(form)
        if c["role"] == "computed"
        and isinstance(computed.get(c["address"]), int | float)
    ]
    assert numbers
    for number in numbers[:20]:
        assert number in words, number


@pytest.mark.parametrize("name", TEMPLATES, ids=TEMPLATES)
def test_csv_of_real_template(name: str) -> None:
    form, inputs, computed = compiled(name)
    rows = list(
        csv.reader(
            io.StringIO(render_csv(form.schema, form.layout, inputs, computed)[1:])
        )
    )
    data_cells = [c for c in _cells(form) if c["role"] in ("input", "computed")]
    assert len(rows) == 1 + len(data_cells)
    assert all(row[3] for row in rows[1:]), "every data cell has a label"
