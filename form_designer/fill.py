"""Write inputs and computed values into a copy of the template (``baocao fill``).

The template is loaded with openpyxl (through the reader, which checks it first)
and edited in place: only cell values change, so every style, merge, width,
validation and sheet protection survives. The one exception is a repeat
group with more stored rows than the template has: :mod:`.fill_rows` inserts
rows after the group and moves what is below as Excel would. Formulas stay
formulas; their values are written as the cached result (``<v>``) so that
viewers that do not recalculate show them too.
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
from baocao.form_designer._row_shift import RowSpan
from baocao.form_designer.errors import Code, FillError
from baocao.form_designer.fill_rows import add_group_rows
from baocao.form_designer.reader import load_openpyxl
from baocao.schemas.compiled import CompiledForm

_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]+)"([^>]*?)><f>(.*?)</f>(?:<v\s*/>|<v>[^<]*</v>)?</c>',
    re.DOTALL,
)
ROW_KEY = re.compile(r"^(?P<group>[^\[\]!]+)\[(?P<index>\d+)\]\.(?P<col>[A-Z]{1,3})$")
_EXCEL_ERRORS = {"#DIV/0!", "#VALUE!", "#N/A", "#REF!", "#NAME?", "#NUM!", "#NULL!"}


def repeat_groups(compiled: CompiledForm) -> dict[str, dict[str, Any]]:
    """Repeat group name → its array property."""
    properties = compiled.schema.get("properties", {})
    return {name: p for name, p in properties.items() if "x-repeat" in p}


def _check_rows(
    name: str, prop: dict[str, Any], rows: Any, problems: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Cell values of a group's stored rows (row ``i`` → ``{letter: value}``)."""
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        problems.append((Code.FD032.name, Code.FD032.format(value=name)))
        return []
    columns, first = prop["items"]["properties"], prop["x-first-row"]
    out: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        cells: dict[str, Any] = {}
        for letter, value in row.items():
            if letter not in columns:
                key = f"{name}[{index}].{letter}"
                problems.append((Code.FD032.name, Code.FD032.format(value=key)))
                continue
            if value is None or value == "":
                continue
            address = f"{prop['x-sheet']}!{letter}{first + index}"
            converted, problem = convert(address, columns[letter], value)
            if problem:
                problems.append((Code.FD031.name, problem))
            cells[letter] = _to_cell(columns[letter], converted)
        out.append(cells)
    return out


def _check(
    compiled: CompiledForm, inputs: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """(cell values keyed ``Sheet!A1``, rows of each repeat group)."""
    kinds, groups = input_kinds(compiled), repeat_groups(compiled)
    computed = compiled.formulas.get("cells", {})
    problems: list[str] = []
    codes: list[str] = []
    values: dict[str, Any] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    found: list[tuple[str, str]] = []
    for address, value in inputs.items():
        if address in groups:
            rows[address] = _check_rows(address, groups[address], value, found)
            continue
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
    codes.extend(code for code, _ in found)
    problems.extend(message for _, message in found)
    if problems:
        raise FillError(problems, code=codes[0])
    return {a: _to_cell(kinds[a], v) for a, v in values.items()}, rows


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
    :param inputs: values keyed ``Sheet!A1``; a blank clears the cell. A repeat
        group is keyed by its name with its stored rows (a list of
        ``{column letter: value}``), as a submission stores it: row ``i`` goes to
        the group's row ``i``; rows beyond the template's are inserted after
        the group (:mod:`.fill_rows`), template rows without data stay empty.
    :param computed: values of formula cells (from the Calculator), optional;
        keyed ``Sheet!A1`` as in the template, or ``group[i].F`` for a row
        beyond the template.
    :param stamp: written as the ``dc:identifier`` core property, so that an
        upload of the copy can be matched with its form version
        (:func:`~baocao.form_designer.roundtrip.form_stamp`).
    :raises FillError: listing every key that is not an input or has a wrong
        type (a repeat cell's message names its cell in the downloaded copy).
    """
    values, rows = _check(compiled, inputs)
    book, _ = load_openpyxl(template)
    if stamp is not None:
        book.properties.identifier = stamp
    sheets = {ws.title: ws for ws in book.worksheets}
    for address, value in values.items():
        sheet, cell = address.rsplit("!", 1)
        _write(sheets[sheet][cell], value)
    spans = _write_groups(book, sheets, repeat_groups(compiled), rows)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if not computed:
        return data
    return _write_cached(
        data, _moved_computed(computed, repeat_groups(compiled), spans)
    )


def _write(target: Any, value: Any) -> None:
    target.value = value
    if isinstance(value, str) and target.data_type == "f":
        # Text a unit typed that starts with "=" stays text: openpyxl would
        # otherwise write it as a live formula (spreadsheet injection).
        target.data_type = "s"
        target.quotePrefix = True


def _write_groups(
    book: Any,
    sheets: Mapping[str, Any],
    groups: Mapping[str, dict[str, Any]],
    rows: Mapping[str, list[dict[str, Any]]],
) -> list[tuple[str, RowSpan]]:
    """Write each group's rows, lowest group first so that the rows of the
    groups above keep their template numbers while rows are inserted below.

    :returns: (group, span) of every insertion, in the order made.
    """
    spans: list[tuple[str, RowSpan]] = []
    order = sorted(
        rows, key=lambda n: (groups[n]["x-sheet"], -groups[n]["x-first-row"])
    )
    for name in order:
        prop, items = groups[name], rows[name]
        sheet = sheets[prop["x-sheet"]]
        first, last = prop["x-first-row"], prop["x-last-row"]
        extra = len(items) - (last - first + 1)
        if extra > 0:
            add_group_rows(book, sheet, first, last, extra)
            spans.append((name, RowSpan(sheet.title, first, last, last + extra)))
        for index in range(max(len(items), last - first + 1)):
            item = items[index] if index < len(items) else {}
            for letter in prop["items"]["properties"]:
                _write(sheet[f"{letter}{first + index}"], item.get(letter))
    return spans


def _moved_computed(
    computed: Mapping[str, Any],
    groups: Mapping[str, dict[str, Any]],
    spans: list[tuple[str, RowSpan]],
) -> dict[str, Any]:
    """Formula results keyed by where their cells are after the insertions.

    A result keyed ``group[i].F`` (a row beyond the template) belongs to row
    ``first + i`` once its own group has grown.
    """
    out: dict[str, Any] = {}
    for key, value in computed.items():
        match = ROW_KEY.match(key)
        if match and match["group"] in groups:
            prop = groups[match["group"]]
            sheet, row = prop["x-sheet"], prop["x-first-row"] + int(match["index"])
            own = [i for i, (name, _) in enumerate(spans) if name == match["group"]]
            later = spans[own[0] + 1 :] if own else spans
            letter = match["col"]
        elif "!" in key:
            sheet, ref = key.rsplit("!", 1)
            letter = ref.rstrip("0123456789")
            row, later = int(ref[len(letter) :]), spans
        else:
            continue
        for _, span in later:
            row = span.row(row) if span.sheet == sheet else row
        out[f"{sheet}!{letter}{row}"] = value
    return out
