"""Rules for repeatable row groups, whether named in the workbook (``LAP_<name>``)
or marked by a designer in the page: both go through these checks, so a mark
made in the browser is refused for exactly the reasons a template would be."""

from __future__ import annotations

from baocao.form_designer._grid import column_letters
from baocao.form_designer.errors import Code, Diagnostic
from baocao.form_designer.graph import FormulaGraph
from baocao.form_designer.model import FormModel, Repeat


def _rows(group: Repeat) -> str:
    return f"{group.first_row}–{group.last_row}"


def check_repeat_overlaps(model: FormModel) -> list[Diagnostic]:
    """Group names are unique (FD025) and no row belongs to two groups (FD024)."""
    out: list[Diagnostic] = []
    seen: dict[str, Repeat] = {}
    for group in model.repeats:
        key = group.name.casefold()
        if key in seen:
            out.append(Diagnostic.make(Code.FD025, sheet=group.sheet, value=group.name))
            continue
        for other in seen.values():
            if other.sheet == group.sheet and not (
                group.last_row < other.first_row or other.last_row < group.first_row
            ):
                out.append(
                    Diagnostic.make(
                        Code.FD024,
                        sheet=group.sheet,
                        value=group.name,
                        rows=_rows(group),
                        other=f"{other.name} (dòng {_rows(other)})",
                    )
                )
        seen[key] = group
    return out


def check_repeat_inputs(model: FormModel) -> list[Diagnostic]:
    """Every row of a group holds at least one input (FD026): a title, header or
    total row inside the group would be copied with each row a unit adds."""
    inputs = {(f.source.sheet, f.row, f.col) for f in model.fields}
    out = []
    for group in model.repeats:
        columns = range(group.first_col, group.last_col + 1)
        empty = [
            str(row)
            for row in range(group.first_row, group.last_row + 1)
            if not any((group.sheet, row, col) in inputs for col in columns)
        ]
        if empty:
            out.append(
                Diagnostic.make(
                    Code.FD026,
                    sheet=group.sheet,
                    value=group.name,
                    rows=", ".join(empty),
                )
            )
    return out


def check_repeat_merges(model: FormModel) -> list[Diagnostic]:
    """A merged range is wholly inside or wholly outside each group (FD027)."""
    out: list[Diagnostic] = []
    sheets = {s.name: s for s in model.sheets}
    for group in model.repeats:
        sheet = sheets.get(group.sheet)
        for c1, r1, c2, r2 in sheet.merges if sheet else ():
            inside = group.first_row <= r1 and r2 <= group.last_row
            apart = r2 < group.first_row or group.last_row < r1
            if not (inside or apart):
                ref = f"{column_letters(c1)}{r1}:{column_letters(c2)}{r2}"
                out.append(
                    Diagnostic.make(
                        Code.FD027,
                        sheet=group.sheet,
                        cell=f"{column_letters(c1)}{r1}",
                        value=ref,
                        other=group.name,
                    )
                )
    return out


def _row_of(address: str) -> tuple[str, int]:
    sheet, _, ref = address.rpartition("!")
    return sheet, int(ref[len(ref.rstrip("0123456789")) :])


def check_repeat_formulas(model: FormModel, graph: FormulaGraph) -> list[Diagnostic]:
    """A formula inside a group reads only its own row of the group (FD028).

    A unit adds and removes rows; a formula copied to each new row cannot keep a
    reference to another row of the group (a running total, a total row inside
    the group).
    """
    out: list[Diagnostic] = []
    for node in graph.nodes:
        sheet, row = _row_of(node.address)
        group = next(
            (
                g
                for g in model.repeats
                if g.sheet == sheet and g.first_row <= row <= g.last_row
            ),
            None,
        )
        if group is None:
            continue
        for dep in node.deps:
            dep_sheet, dep_row = _row_of(dep)
            if (
                dep_sheet == sheet
                and dep_row != row
                and group.first_row <= dep_row <= group.last_row
            ):
                ref = node.address.rpartition("!")[2]
                out.append(
                    Diagnostic.make(
                        Code.FD028,
                        sheet=sheet,
                        cell=ref,
                        value=group.name,
                        other=dep.rpartition("!")[2],
                    )
                )
                break
    return out
