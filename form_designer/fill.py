"""Write inputs and computed values into a copy of the template (``baocao fill``).

The template is loaded with openpyxl (through the reader, which checks it first)
and edited in place: only cell values change, so every style, merge, width,
validation and sheet protection survives. Formulas stay formulas; their values
are written as the cached result (``<v>``) so that viewers that do not
recalculate show them too.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from baocao.form_designer._container import _sheet_titles
from baocao.form_designer._inputs import convert, input_kinds
from baocao.form_designer.errors import Code, FillError
from baocao.form_designer.reader import load_openpyxl
from baocao.schemas.compiled import CompiledForm

_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]+)"([^>]*?)><f>(.*?)</f>(?:<v\s*/>|<v>[^<]*</v>)?</c>',
    re.DOTALL,
)
_EXCEL_ERRORS = {"#DIV/0!", "#VALUE!", "#N/A", "#REF!", "#NAME?", "#NUM!", "#NULL!"}


def _check(compiled: CompiledForm, inputs: Mapping[str, Any]) -> dict[str, Any]:
    kinds = input_kinds(compiled)
    computed = compiled.formulas.get("cells", {})
    problems: list[str] = []
    codes: list[str] = []
    values: dict[str, Any] = {}
    for address, value in inputs.items():
        if address not in kinds:
            sheet, _, cell = address.partition("!")
            code = Code.FD030 if address in computed else Code.FD032
            shown = "ô công thức" if code is Code.FD030 else address
            problems.append(code.format(sheet=sheet, cell=cell, value=shown))
            codes.append(code.name)
            continue
        if value is None or value == "":
            values[address] = None
            continue
        converted, problem = convert(address, kinds[address], value)
        if problem:
            problems.append(problem)
            codes.append(Code.FD031.name)
        values[address] = converted
    if problems:
        raise FillError(problems, code=codes[0])
    return {a: _to_cell(kinds[a], v) for a, v in values.items()}


def _to_cell(prop: dict[str, Any], value: Any) -> Any:
    if value is not None and prop.get("x-kind") == "date":
        return dt.date.fromisoformat(value)
    return value


def _cached(value: Any) -> tuple[bytes, bytes]:
    """(extra ``t`` attribute, ``<v>`` text) of a cached formula result."""
    if isinstance(value, bool):
        return b' t="b"', b"1" if value else b"0"
    if isinstance(value, int | float):
        return b"", repr(value).encode()
    text = "" if value is None else str(value)
    kind = b' t="e"' if text in _EXCEL_ERRORS else b' t="str"'
    return kind, escape(text).encode()


def _write_cached(data: bytes, computed: Mapping[str, Any]) -> bytes:
    by_sheet: dict[str, dict[bytes, Any]] = {}
    for address, value in computed.items():
        sheet, cell = address.rsplit("!", 1)
        by_sheet.setdefault(sheet, {})[cell.encode()] = value
    source = zipfile.ZipFile(io.BytesIO(data))
    titles = _sheet_titles(source)
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            values = by_sheet.get(titles.get(info.filename, ""))
            if values:
                part = _FORMULA_CELL.sub(partial(_cell_xml, values=values), part)
            target.writestr(info, part)
    return out.getvalue()


def _cell_xml(match: re.Match[bytes], values: dict[bytes, Any]) -> bytes:
    ref, attrs, formula = match.group(1), match.group(2), match.group(3)
    if ref not in values:
        return match.group(0)
    attrs = re.sub(rb'\st="[^"]*"', b"", attrs)
    kind, text = _cached(values[ref])
    return b'<c r="%s"%s%s><f>%s</f><v>%s</v></c>' % (ref, attrs, kind, formula, text)


def fill_workbook(
    template: bytes,
    compiled: CompiledForm,
    inputs: Mapping[str, Any],
    computed: Mapping[str, Any] | None = None,
    *,
    stamp: str | None = None,
) -> bytes:
    """Return the template with ``inputs`` written and ``computed`` cached.

    :param template: the .xlsx the form was compiled from.
    :param compiled: its CompiledForm (tells which cells are inputs, of what kind).
    :param inputs: values keyed ``Sheet!A1``; a blank clears the cell.
    :param computed: values of formula cells (from the Calculator), optional.
    :param stamp: written as the ``dc:identifier`` core property, so that an
        upload of the copy can be matched with its form version
        (:func:`~baocao.form_designer.roundtrip.form_stamp`).
    :raises FillError: listing every key that is not an input or has a wrong type.
    """
    values = _check(compiled, inputs)
    book, _ = load_openpyxl(template)
    if stamp is not None:
        book.properties.identifier = stamp
    sheets = {ws.title: ws for ws in book.worksheets}
    for address, value in values.items():
        sheet, cell = address.rsplit("!", 1)
        target = sheets[sheet][cell]
        target.value = value
        if isinstance(value, str) and target.data_type == "f":
            # Text a unit typed that starts with "=" stays text: openpyxl would
            # otherwise write it as a live formula (spreadsheet injection).
            target.data_type = "s"
            target.quotePrefix = True
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    return _write_cached(data, computed) if computed else data
