"""The Excel round trip of a submission (offline mode): compare an uploaded copy.

A unit downloads its submission as the filled template
(:func:`~baocao.form_designer.fill.fill_workbook` with a :func:`form_stamp`),
fills it in Excel and uploads it back. :func:`compare_upload` tells, cell by
cell, what would change and what is wrong; nothing here stores anything, and
the platform applies :meth:`UploadComparison.updates` as one guarded save only
when there is no problem at all.

Pure code: bytes and dicts in, frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from baocao.form_designer._inputs import input_kinds
from baocao.form_designer.errors import Code, FillError, FormCompileError
from baocao.form_designer.extract import CellProblem, scan_inputs
from baocao.form_designer.fill import ROW_KEY, repeat_groups
from baocao.form_designer.reader import read_workbook
from baocao.form_designer.roundtrip_rows import (
    CellChange,
    GroupRows,
    WrongCell,
    field_label,
    group_label,
    is_blank,
    row_changes,
    same_value,
    too_many_rows,
    trimmed_rows,
    uploaded_rows,
    without_deleted_rows,
    wrong_cell,
)
from baocao.form_designer.upload_rows import normalise
from baocao.form_designer.workbook import Workbook
from baocao.schemas import DataValidator
from baocao.schemas.compiled import CompiledForm

__all__ = [
    "STAMP_PREFIX",
    "CellChange",
    "GroupRows",
    "UploadComparison",
    "WrongCell",
    "apply_changes",
    "compare_upload",
    "form_stamp",
]

STAMP_PREFIX = "baocao-form:"


def form_stamp(form_id: str, version: int | None, source_sha256: str) -> str:
    """The identifier written into a downloaded copy of one form version."""
    return f"{STAMP_PREFIX}{form_id}:v{version}:{source_sha256[:16]}"


@dataclass(frozen=True, slots=True)
class UploadComparison:
    """What an uploaded copy would change, and everything wrong in it."""

    changes: tuple[CellChange, ...]
    problems: tuple[WrongCell, ...]
    rows: tuple[GroupRows, ...] = ()
    """Groups with rows added or removed (their cells are in ``changes``)."""

    @property
    def applicable(self) -> bool:
        """True when there is something to apply and nothing wrong."""
        return bool(self.changes) and not self.problems

    def updates(self) -> dict[str, Any]:
        """``{address or group[i].D: new value}`` of every change (None clears)."""
        return {change.address: change.new for change in self.changes}


def _repeat_cells(compiled: CompiledForm) -> dict[str, tuple[str, int, str]]:
    """Address of each template row cell of a repeat group → (group, index, column)."""
    out: dict[str, tuple[str, int, str]] = {}
    for name, prop in compiled.schema.get("properties", {}).items():
        if "x-repeat" not in prop:
            continue
        first, last = prop["x-first-row"], prop["x-last-row"]
        for letter in prop["items"]["properties"]:
            for row in range(first, last + 1):
                out[f"{prop['x-sheet']}!{letter}{row}"] = (name, row - first, letter)
    return out


def _row_key(
    key: str, groups: Mapping[str, Mapping[str, Any]]
) -> tuple[str, int, str] | None:
    """``group[i].D`` → (group, i, "D") when the group has that column."""
    match = ROW_KEY.match(key)
    if match is None or match["group"] not in groups:
        return None
    if match["col"] not in groups[match["group"]]["items"]["properties"]:
        return None
    return match["group"], int(match["index"]), match["col"]


def apply_changes(
    compiled: CompiledForm, stored: Mapping[str, Any], updates: Mapping[str, Any]
) -> dict[str, Any]:
    """``stored`` with ``updates`` written in (repeat rows into their group arrays).

    A repeat cell is keyed ``group[i].D`` (or by its template address). A row
    is ``{letter: value}`` without blank cells; rows left empty at the end of a
    group are dropped (the web form's "remove row"), an empty row in the middle
    stays ``{}``.

    :raises FillError: (FD032) when a key is not an input cell of the form.
    """
    kinds, repeats, groups = (
        input_kinds(compiled),
        _repeat_cells(compiled),
        repeat_groups(compiled),
    )
    unknown = [k for k in updates if k not in kinds and _row_key(k, groups) is None]
    if unknown:
        problems = [Code.FD032.format(value=address) for address in unknown]
        raise FillError(problems, code=Code.FD032.name)
    data = {k: (list(v) if isinstance(v, list) else v) for k, v in stored.items()}
    touched: set[str] = set()
    for address, value in updates.items():
        where = repeats.get(address) or _row_key(address, groups)
        if where is None:
            if is_blank(value):
                data.pop(address, None)
            else:
                data[address] = value
            continue
        group, index, letter = where
        touched.add(group)
        items = data.setdefault(group, [])
        while len(items) <= index:
            items.append({})
        items[index] = {**items[index], letter: value}
        if is_blank(value):
            items[index].pop(letter)
    for group in touched:
        data[group] = trimmed_rows(data[group])
    return data


def _file_problems(
    compiled: CompiledForm, workbook: Workbook, stamp: str | None
) -> list[WrongCell]:
    """A copy of another form or version (by its stamp, else by its sheets)."""
    found = workbook.identifier or ""
    if stamp is not None and found.startswith(STAMP_PREFIX) and found != stamp:
        what = "tệp được tải từ biểu mẫu hoặc phiên bản khác"
        return [WrongCell(Code.FD034.name, "", "", Code.FD034.format(value=what))]
    names = {sheet.name for sheet in workbook.sheets}
    missing = [
        sheet["name"]
        for sheet in compiled.layout.get("sheets", [])
        if sheet["name"] not in names
    ]
    if missing:
        what = "thiếu sheet " + ", ".join(f"'{name}'" for name in missing)
        return [WrongCell(Code.FD034.name, "", "", Code.FD034.format(value=what))]
    return []


def compare_upload(
    compiled: CompiledForm,
    stored: Mapping[str, Any],
    filled: bytes,
    *,
    stamp: str | None = None,
) -> UploadComparison:
    """Every change an uploaded copy makes to ``stored``, and every wrong cell.

    Wrong cells: a value of the wrong type or not in the allowed list, a
    formula overwritten, a label edited, a value out of range or otherwise
    refused by the form's schema (the checks a save makes), more rows in a
    repeat group than the form allows (FD035), and a file that cannot be read
    (not an .xlsx, macros, zip bomb: the compiler's refusals) or belongs to
    another form version.

    A repeat group's rows are read wherever they are in the upload, rows the
    official inserted or deleted included (:mod:`.upload_rows`); their
    changes are keyed ``group[i].D``, problems name the cell in the upload.

    :param compiled: the submission's form version.
    :param stored: the submission's data (addresses; repeat groups as arrays).
    :param filled: the uploaded bytes.
    :param stamp: :func:`form_stamp` of the submission's form version.
    """
    try:
        workbook = read_workbook(filled)
    except FormCompileError as err:
        refused = tuple(
            WrongCell(d.code.name, "", "", d.message)
            for d in err.diagnostics
            if d.is_error
        )
        return UploadComparison((), refused)
    file_problems = _file_problems(compiled, workbook, stamp)
    if file_problems:
        return UploadComparison((), tuple(file_problems))
    upload = normalise(compiled, workbook)
    values, scanned = scan_inputs(compiled, upload.workbook, check_formulas=True)
    kinds, repeats, groups = (
        input_kinds(compiled),
        _repeat_cells(compiled),
        repeat_groups(compiled),
    )
    problems = [
        wrong_cell(compiled, upload, p) for p in without_deleted_rows(scanned, upload)
    ]
    wrong = {p.address for p in scanned}
    changes = [
        CellChange(address, field_label(prop, address), old, values.get(address))
        for address, prop in kinds.items()
        if address not in repeats
        and address not in wrong
        and not same_value(old := stored.get(address), values.get(address))
    ]
    rows_changed: list[GroupRows] = []
    for group in upload.groups:
        prop = groups[group.name]
        rows, found = uploaded_rows(group, prop, values, upload, wrong)
        problems.extend(found)
        before = trimmed_rows(stored.get(group.name))
        changes.extend(row_changes(group, prop, before, rows, wrong))
        if len(before) != len(rows):
            label = group_label(group.name, prop)
            rows_changed.append(GroupRows(group.name, label, len(before), len(rows)))
        problems.extend(too_many_rows(group, prop, len(rows)))
    merged = apply_changes(compiled, stored, {c.address: c.new for c in changes})
    problems.extend(
        wrong_cell(
            compiled, upload, CellProblem(e.code, e.address, e.message), by_row=True
        )
        for e in DataValidator(compiled.schema).errors(merged)
    )
    return UploadComparison(tuple(changes), tuple(problems), tuple(rows_changed))
