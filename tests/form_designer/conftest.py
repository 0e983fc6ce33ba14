"""Fixtures for compiler tests: inline sheets, hostile files, meta-schemas.

``make_xlsx`` builds a real .xlsx from a markdown-like table (pyxform ``md=``
style) so each test shows its sheet inline::

    | STT | Chỉ tiêu | Kế hoạch |
    | 1   | GRDP     | ?        |

``?`` marks an unlocked (input) empty cell, ``?0.00`` one with a number format;
numbers become numbers; ``=...`` are formulas; an empty column is a blank cell.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any

import jsonschema
import pytest
from baocao.schemas.compiled import CompiledForm
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation


def _cell_value(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _rows(md: str) -> list[list[str]]:
    rows = []
    for line in md.strip().splitlines():
        line = line.strip()
        if line.startswith("|"):
            rows.append([part.strip() for part in line.strip("|").split("|")])
    return rows


def build_xlsx(
    sheets: dict[str, str],
    *,
    protected: Iterable[str] = (),
    merges: dict[str, list[str]] | None = None,
    validations: dict[str, list[tuple[str, str | dict[str, Any]]]] | None = None,
    names: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
    bold_rows: dict[str, list[int]] | None = None,
) -> bytes:
    """Return the bytes of an .xlsx built from inline tables."""
    book = Workbook()
    book.remove(book.active)
    for title, md in sheets.items():
        ws = book.create_sheet(title)
        for r, row in enumerate(_rows(md), start=1):
            for c, text in enumerate(row, start=1):
                if text == "":
                    continue
                cell = ws.cell(r, c)
                if text.startswith("?"):
                    cell.protection = Protection(locked=False)
                    cell.number_format = text[1:] or "General"
                else:
                    cell.value = _cell_value(text)
        for r in (bold_rows or {}).get(title, []):
            for cell in ws[r]:
                cell.font = Font(bold=True)
        for ref in (merges or {}).get(title, []):
            ws.merge_cells(ref)
        for sqref, rule in (validations or {}).get(title, []):
            options = (
                rule if isinstance(rule, dict) else {"type": "list", "formula1": rule}
            )
            dv = DataValidation(allow_blank=True, **options)
            dv.add(sqref)
            ws.add_data_validation(dv)
        if title in set(protected):
            ws.protection.sheet = True
    for name, target in (names or {}).items():
        book.defined_names[name] = DefinedName(name, attr_text=target)
    for address, text in (comments or {}).items():
        sheet, ref = address.rsplit("!", 1)
        book[sheet][ref].comment = Comment(text, "designer")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def make_xlsx() -> Callable[..., bytes]:
    """The :func:`build_xlsx` helper."""
    return build_xlsx


def replace_part(
    data: bytes, name: str, content: bytes, *, extra: dict[str, bytes] | None = None
) -> bytes:
    """Return ``data`` with zip entry ``name`` replaced (and ``extra`` entries added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(
                info.filename, content if info.filename == name else source.read(info)
            )
        for extra_name, extra_content in (extra or {}).items():
            target.writestr(extra_name, extra_content)
    return out.getvalue()


@pytest.fixture
def patch_part() -> Callable[..., bytes]:
    """The :func:`replace_part` helper."""
    return replace_part


def _meta(name: str) -> dict[str, Any]:
    text = (files("baocao.schemas") / "meta" / f"{name}.schema.json").read_text(
        encoding="utf-8"
    )
    return json.loads(text)


@pytest.fixture(scope="session")
def validate_compiled() -> Callable[[CompiledForm], None]:
    """Assert that a CompiledForm's documents follow the shipped meta-schemas."""
    validators = {
        name: jsonschema.Draft202012Validator(
            _meta(name), format_checker=jsonschema.FormatChecker()
        )
        for name in ("schema", "layout", "formulas")
    }

    def validate(compiled: CompiledForm) -> None:
        for name, validator in validators.items():
            errors = sorted(validator.iter_errors(getattr(compiled, name)), key=str)
            assert errors == [], (
                f"{name}: {errors[0].message} at {list(errors[0].path)}"
            )
        jsonschema.Draft202012Validator.check_schema(compiled.schema)

    return validate
