"""The repeat-group half of :func:`~.roundtrip.compare_upload`, and its result types.

The upload has been put back into the template's geometry by
:func:`~.upload_rows.normalise`; these helpers read each group's rows from it,
compare them with the stored array row by row, and give every problem the
address and label the official sees in the uploaded file (a repeat cell is
labelled ``group — dòng i — column``). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from baocao.form_designer._inputs import convert, input_kinds
from baocao.form_designer.errors import Code
from baocao.form_designer.extract import CellProblem
from baocao.form_designer.fill import repeat_groups
from baocao.form_designer.upload_rows import Group, Normalised
from baocao.schemas.compiled import CompiledForm


@dataclass(frozen=True, slots=True)
class CellChange:
    """One input whose value the upload changes."""

    address: str
    """``Sheet!A1``, or ``group[i].D`` for row ``i`` (from 0) of a repeat group."""
    label: str
    """What the cell is (the field title: row label — column heading; for a
    repeat cell: group — dòng i+1 — column heading)."""
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
class GroupRows:
    """A repeat group whose number of rows the upload changes."""

    name: str
    label: str
    before: int
    """Rows stored (trailing empty rows not counted)."""
    after: int
    """Rows in the upload."""


def is_blank(value: Any) -> bool:
    return value is None or value == ""


def trimmed_rows(value: Any) -> list[dict[str, Any]]:
    """A group's stored rows without the trailing empty ones."""
    rows = [dict(r) if isinstance(r, Mapping) else {} for r in value or []]
    while rows and all(is_blank(v) for v in rows[-1].values()):
        rows.pop()
    return rows


def same_value(old: Any, new: Any) -> bool:
    if old in (None, "") or new in (None, ""):
        return old in (None, "") and new in (None, "")
    numbers = all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in (old, new)
    )
    return float(old) == float(new) if numbers else bool(old == new)


def without_deleted_rows(
    problems: list[CellProblem], upload: Normalised
) -> list[CellProblem]:
    """Scan problems, without the formulas of template rows the official deleted
    (a group uploaded with fewer rows has none there)."""

    def deleted(address: str) -> bool:
        sheet, row = address.rsplit("!", 1)[0], _row(address)
        return any(
            g.sheet == sheet and g.first + g.count <= row <= g.last
            for g in upload.groups
        )

    return [
        p for p in problems if not (p.code == Code.FD033.name and deleted(p.address))
    ]


def _row(address: str) -> int:
    ref = address.rsplit("!", 1)[-1]
    digits = ref[len(ref.rstrip("0123456789")) :]
    return int(digits) if digits else 0


def _upload_address(upload: Normalised, address: str, *, by_row: bool) -> str:
    """Where a normalised address is in the uploaded file. ``by_row``: the
    validator numbers a group's row ``i`` as ``first + i`` even beyond the
    template's rows."""
    if by_row:
        sheet, _, ref = address.rpartition("!")
        row = _row(address)
        for group in upload.groups:
            if sheet == group.sheet and group.first <= row < group.first + group.count:
                letter = ref[: len(ref) - len(str(row))]
                return f"{sheet}!{letter}{group.upload_first + row - group.first}"
    return upload.origin.get(address, address)


def wrong_cell(
    compiled: CompiledForm,
    upload: Normalised,
    problem: CellProblem,
    *,
    by_row: bool = False,
) -> WrongCell:
    """A problem of the normalised upload, with its label, and the address (and
    the message's cell) of the uploaded file. ``by_row``: a validator error,
    whose repeat row ``i`` is numbered ``first + i`` (an input outside the
    groups keeps its own address)."""
    properties = compiled.schema.get("properties", {})
    by_row = by_row and problem.address not in properties  # a plain input's own
    label = _problem_label(compiled, upload, problem.address, by_row=by_row)
    address = _upload_address(upload, problem.address, by_row=by_row)
    message = problem.message
    if address != problem.address:
        old, new = problem.address.rpartition("!")[2], address.rpartition("!")[2]
        message = message.replace(f"ô {old}]", f"ô {new}]").replace(
            f"[{problem.address}]", f"[{address}]"
        )
    return WrongCell(problem.code, address, label, message)


def uploaded_rows(
    group: Group,
    prop: Mapping[str, Any],
    values: Mapping[str, Any],
    upload: Normalised,
    wrong: set[str],
) -> tuple[list[dict[str, Any]], list[WrongCell]]:
    """The group's rows in the upload (trailing empty rows dropped), and the
    wrong cells of the rows beyond the template (upload addresses)."""
    columns = prop["items"]["properties"]
    rows: list[dict[str, Any]] = []
    for index in range(min(group.count, group.last - group.first + 1)):
        row = {}
        for letter in columns:
            address = f"{group.sheet}!{letter}{group.first + index}"
            if address in values:
                row[letter] = values[address]
        rows.append(row)
    problems: list[WrongCell] = []
    for cells in upload.extra.get(group.name, ()):
        row = {}
        for cell in cells:
            letter = cell.source.cell.rstrip("0123456789")
            if cell.value is None:
                continue
            value, message = convert(cell.source.address, columns[letter], cell.value)
            if message:
                label = _row_label(group.name, prop, len(rows), letter, columns[letter])
                problems.append(
                    WrongCell(Code.FD031.name, cell.source.address, label, message)
                )
                wrong.add(f"{group.name}[{len(rows)}].{letter}")
            else:
                row[letter] = value
        rows.append(row)
    return trimmed_rows(rows), problems


def row_changes(
    group: Group,
    prop: Mapping[str, Any],
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    wrong: set[str],
) -> list[CellChange]:
    """One change per cell of the group whose value differs, keyed ``group[i].D``."""
    changes = []
    for index in range(max(len(before), len(after))):
        old_row = before[index] if index < len(before) else {}
        new_row = after[index] if index < len(after) else {}
        for letter, column in prop["items"]["properties"].items():
            key = f"{group.name}[{index}].{letter}"
            template = f"{group.sheet}!{letter}{group.first + index}"
            if key in wrong or template in wrong:
                continue
            old, new = old_row.get(letter), new_row.get(letter)
            if not same_value(old, new):
                label = _row_label(group.name, prop, index, letter, column)
                changes.append(CellChange(key, label, old, new))
    return changes


def too_many_rows(group: Group, prop: Mapping[str, Any], count: int) -> list[WrongCell]:
    """FD035 when the upload has more rows than a save accepts: ``maxItems``,
    and the template's rows (the Calculator computes on those only)."""
    limit = group.last - group.first + 1
    if isinstance(prop.get("maxItems"), int):
        limit = min(limit, prop["maxItems"])
    if count <= limit:
        return []
    first = group.upload_first
    message = Code.FD035.format(
        sheet=group.sheet,
        rows=f"{first}-{first + count - 1}",
        value=group_label(group.name, prop),
        count=count,
        limit=limit,
    )
    return [WrongCell(Code.FD035.name, "", group_label(group.name, prop), message)]


def group_label(name: str, prop: Mapping[str, Any]) -> str:
    title = str(prop.get("title") or name)
    return title if title != name else f"{prop.get('x-sheet', name)} ({name})"


def _row_label(
    name: str,
    prop: Mapping[str, Any],
    index: int,
    letter: str,
    column: Mapping[str, Any],
) -> str:
    """Label of a repeat cell: group — dòng (from 1) — column heading."""
    heading = column.get("title") or f"Cột {letter}"
    return f"{group_label(name, prop)} — dòng {index + 1} — {heading}"


def _problem_label(
    compiled: CompiledForm, upload: Normalised, address: str, *, by_row: bool
) -> str:
    """The label of a problem's cell (normalised address; a repeat cell by its
    group row: the validator numbers row ``i`` as ``first + i``)."""
    groups = repeat_groups(compiled)
    if address in groups:
        return group_label(address, groups[address])
    sheet, _, ref = address.rpartition("!")
    letter, row = ref.rstrip("0123456789"), _row(address)
    for group in upload.groups:
        rows = group.count if by_row else min(group.count, group.last - group.first + 1)
        prop = groups[group.name]
        columns = prop["items"]["properties"]
        if sheet == group.sheet and letter in columns and 0 <= row - group.first < rows:
            index = row - group.first
            return _row_label(group.name, prop, index, letter, columns[letter])
    return field_label(input_kinds(compiled).get(address), address) if address else ""


def field_label(prop: Mapping[str, Any] | None, address: str) -> str:
    title = (prop or {}).get("title")
    return str(title) if title else address
