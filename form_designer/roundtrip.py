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
from baocao.form_designer.reader import read_workbook
from baocao.form_designer.workbook import Workbook
from baocao.schemas import DataValidator
from baocao.schemas.compiled import CompiledForm

STAMP_PREFIX = "baocao-form:"


def form_stamp(form_id: str, version: int | None, source_sha256: str) -> str:
    """The identifier written into a downloaded copy of one form version."""
    return f"{STAMP_PREFIX}{form_id}:v{version}:{source_sha256[:16]}"


@dataclass(frozen=True, slots=True)
class CellChange:
    """One input whose value the upload changes."""

    address: str
    """``Sheet!A1``."""
    label: str
    """What the cell is (the field title: row label — column heading)."""
    old: Any
    """Stored value (None when empty)."""
    new: Any
    """Value in the upload (None when emptied)."""


@dataclass(frozen=True, slots=True)
class WrongCell:
    """One problem of the upload, with the label of its cell."""

    code: str
    """Stable code (``FD031``, ``DV002``…)."""
    address: str
    """``Sheet!A1``; empty for a problem with the whole file."""
    label: str
    message: str
    """Vietnamese: where, what is wrong, how to fix it."""


@dataclass(frozen=True, slots=True)
class UploadComparison:
    """What an uploaded copy would change, and everything wrong in it."""

    changes: tuple[CellChange, ...]
    problems: tuple[WrongCell, ...]

    @property
    def applicable(self) -> bool:
        """True when there is something to apply and nothing wrong."""
        return bool(self.changes) and not self.problems

    def updates(self) -> dict[str, Any]:
        """``{address: new value}`` of every change (None clears the cell)."""
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


def _stored(
    data: Mapping[str, Any], address: str, repeats: dict[str, tuple[str, int, str]]
) -> Any:
    if address not in repeats:
        return data.get(address)
    group, index, letter = repeats[address]
    items = data.get(group)
    if (
        isinstance(items, list)
        and index < len(items)
        and isinstance(items[index], dict)
    ):
        return items[index].get(letter)
    return None


def _same(old: Any, new: Any) -> bool:
    if old in (None, "") or new in (None, ""):
        return old in (None, "") and new in (None, "")
    numbers = all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in (old, new)
    )
    return float(old) == float(new) if numbers else bool(old == new)


def apply_changes(
    compiled: CompiledForm, stored: Mapping[str, Any], updates: Mapping[str, Any]
) -> dict[str, Any]:
    """``stored`` with ``updates`` written in (repeat rows into their group arrays).

    :raises FillError: (FD032) when an address is not an input cell of the form.
    """
    kinds, repeats = input_kinds(compiled), _repeat_cells(compiled)
    unknown = [address for address in updates if address not in kinds]
    if unknown:
        problems = [Code.FD032.format(value=address) for address in unknown]
        raise FillError(problems, code=Code.FD032.name)
    data = {k: (list(v) if isinstance(v, list) else v) for k, v in stored.items()}
    for address, value in updates.items():
        if address not in repeats:
            if value in (None, ""):
                data.pop(address, None)
            else:
                data[address] = value
            continue
        group, index, letter = repeats[address]
        items = data.setdefault(group, [])
        while len(items) <= index:
            items.append({})
        items[index] = {**items[index], letter: value}
        if value in (None, ""):
            items[index].pop(letter)
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
    refused by the form's schema (the checks a save makes), and a file that
    cannot be read (not an .xlsx, macros, zip bomb: the compiler's refusals)
    or belongs to another form version.

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
    values, problems = scan_inputs(compiled, workbook, check_formulas=True)
    kinds, repeats = input_kinds(compiled), _repeat_cells(compiled)
    wrong = {p.address for p in problems}
    changes = tuple(
        CellChange(address, _label(prop, address), old, values.get(address))
        for address, prop in kinds.items()
        if address not in wrong
        and not _same(old := _stored(stored, address, repeats), values.get(address))
    )
    merged = apply_changes(compiled, stored, {c.address: c.new for c in changes})
    checked = [
        CellProblem(error.code, error.address, error.message)
        for error in DataValidator(compiled.schema).errors(merged)
    ]
    return UploadComparison(
        changes,
        tuple(
            WrongCell(
                p.code, p.address, _label(kinds.get(p.address), p.address), p.message
            )
            for p in [*problems, *checked]
        ),
    )


def _label(prop: Mapping[str, Any] | None, address: str) -> str:
    title = (prop or {}).get("title")
    return str(title) if title else address
