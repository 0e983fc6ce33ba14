"""Stage 2: :class:`Workbook` → :class:`FormModel` (which cells are what).

Template conventions (DESIGN.md §4): formula cells are computed; on a protected
sheet unlocked cells are inputs, elsewhere the table heuristic of
:mod:`._classify` guesses them; data-validation rules and number formats give
the input's kind; ``LAP_<name>`` defined names mark repeatable row groups and
``CT_<code>`` names or ``chỉ tiêu: <code>`` comments bind indicator codes.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from baocao.form_designer._classify import (
    column_header,
    field_title,
    guessed_inputs,
    kind_from_format,
    narrative_block,
    protected_inputs,
)
from baocao.form_designer._grid import Grid, column_letters
from baocao.form_designer.model import Field, FieldKind, FormModel, FormulaCell, Repeat
from baocao.form_designer.workbook import (
    Cell,
    DefinedName,
    SourceRef,
    Validation,
    Workbook,
)

#: Defined-name prefixes (case-insensitive) that mark repeat groups and indicators.
REPEAT_PREFIXES = ("LAP_", "REPEAT_")
INDICATOR_PREFIXES = ("CT_", "CHITIEU_", "INDICATOR_")
_COMMENT_INDICATOR = re.compile(
    r"(?:chỉ\s*tiêu|chi\s*tieu|indicator)\s*:\s*([A-Za-z0-9_.\-]+)", re.IGNORECASE
)
_RANGE = re.compile(r"^([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?$")

#: Default aggregation rule of each kind (DESIGN.md §6: ratios are never summed).
KIND_AGGREGATE: dict[FieldKind, str] = {
    FieldKind.INTEGER: "sum",
    FieldKind.DECIMAL: "sum",
    FieldKind.PERCENT: "average",
    FieldKind.DATE: "none",
    FieldKind.TEXT: "none",
    FieldKind.CHOICE: "none",
    FieldKind.BOOLEAN: "none",
    FieldKind.NARRATIVE: "none",
}

#: Data-validation types that fix an input's kind.
VALIDATION_KINDS: dict[str, FieldKind] = {
    "whole": FieldKind.INTEGER,
    "decimal": FieldKind.DECIMAL,
    "date": FieldKind.DATE,
    "textLength": FieldKind.TEXT,
    "list": FieldKind.CHOICE,
}


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def parse_range(text: str) -> tuple[int, int, int, int] | None:
    """``A1:B2`` (no ``$``) → (min_col, min_row, max_col, max_row)."""
    match = _RANGE.match(text.replace("$", "").upper())
    if not match:
        return None
    c1, r1 = _column_number(match.group(1)), int(match.group(2))
    c2 = _column_number(match.group(3)) if match.group(3) else c1
    r2 = int(match.group(4)) if match.group(4) else r1
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def _strip_prefix(name: str, prefixes: tuple[str, ...]) -> str | None:
    upper = name.upper()
    return next(
        (
            name[len(p) :]
            for p in prefixes
            if upper.startswith(p) and len(name) > len(p)
        ),
        None,
    )


def _repeats(wb: Workbook) -> tuple[list[Repeat], list[DefinedName]]:
    repeats, bad = [], []
    for defined in wb.defined_names:
        group = _strip_prefix(defined.name, REPEAT_PREFIXES)
        if group is None:
            continue
        bounds = (
            parse_range(defined.destinations[0][1])
            if len(defined.destinations) == 1
            else None
        )
        sheet = wb.sheet(defined.destinations[0][0]) if bounds else None
        if bounds is None or sheet is None:
            bad.append(defined)
            continue
        c1, r1, c2, r2 = bounds
        repeats.append(Repeat(group, sheet.name, r1, r2, c1, c2))
    return repeats, bad


def _indicator_names(wb: Workbook) -> dict[str, tuple[str, str]]:
    """Address → (indicator code, defined name) for ``CT_<code>`` names."""
    found: dict[str, tuple[str, str]] = {}
    for defined in wb.defined_names:
        code = _strip_prefix(defined.name, INDICATOR_PREFIXES)
        if code is None or len(defined.destinations) != 1:
            continue
        sheet = wb.sheet(defined.destinations[0][0])
        bounds = parse_range(defined.destinations[0][1])
        if (
            sheet is None
            or bounds is None
            or bounds[0] != bounds[2]
            or bounds[1] != bounds[3]
        ):
            continue
        found[f"{sheet.name}!{column_letters(bounds[0])}{bounds[1]}"] = (
            code,
            defined.name,
        )
    return found


def _list_options(
    wb: Workbook, sheet_name: str, formula: str
) -> tuple[str, ...] | None:
    """Choices of a list validation: literal ``"a,b"`` or a range in the workbook."""
    text = formula.strip()
    if text.startswith('"') and text.endswith('"'):
        return tuple(o.strip() for o in text[1:-1].split(",") if o.strip())
    target_sheet, ref = sheet_name, text
    named = next(
        (d for d in wb.defined_names if d.name.casefold() == text.casefold()), None
    )
    if named is not None and len(named.destinations) == 1:
        target_sheet, ref = named.destinations[0]
    elif "!" in text:
        target_sheet, ref = text.rsplit("!", 1)
        target_sheet = target_sheet.strip("'").replace("''", "'")
    sheet, bounds = wb.sheet(target_sheet), parse_range(ref)
    if sheet is None or bounds is None:
        return None
    c1, r1, c2, r2 = bounds
    values = [
        _option_text(c)
        for c in sheet.cells
        if c1 <= c.col <= c2 and r1 <= c.row <= r2 and c.value is not None
    ]
    return tuple(values) or None


def _option_text(cell: Cell) -> str:
    value = cell.value
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return str(value)


def _number(text: str | None) -> float | None:
    try:
        return float(Decimal(text)) if text else None
    except InvalidOperation:
        return None


def _list_details(wb: Workbook, sheet: str, rule: Validation) -> dict[str, Any]:
    options = _list_options(wb, sheet, rule.formula1 or "")
    if options is None:
        return {"kind": FieldKind.CHOICE, "options_from": rule.formula1 or ""}
    if {o.upper() for o in options} == {"TRUE", "FALSE"}:
        return {"kind": FieldKind.BOOLEAN}
    return {"kind": FieldKind.CHOICE, "options": options}


def _bounds(rule: Validation) -> dict[str, Any]:
    """``minimum``/``maximum`` (or ``max_length``) implied by a validation rule."""
    low, high = _number(rule.formula1), _number(rule.formula2)
    if rule.kind == "textLength":
        limit = high if rule.operator == "between" else low
        fits = rule.operator in {"lessThanOrEqual", "between", "lessThan"}
        return {"max_length": int(limit) if limit and fits else None}
    if rule.kind == "date":
        return {}
    if rule.operator in (None, "between"):
        return {"minimum": low, "maximum": high}
    if rule.operator in ("greaterThanOrEqual", "greaterThan"):
        return {"minimum": low}
    if rule.operator in ("lessThanOrEqual", "lessThan"):
        return {"maximum": low}
    return {}


def _kind_details(
    wb: Workbook, grid: Grid, *, rule: Validation | None, fmt: str, row: int, col: int
) -> dict[str, Any]:
    """Kind, choices and bounds of an input from its validation and format."""
    if rule is None or rule.kind not in VALIDATION_KINDS:
        narrative = narrative_block(grid, row, col)
        return {"kind": FieldKind.NARRATIVE if narrative else kind_from_format(fmt)}
    if rule.kind == "list":
        return _list_details(wb, grid.sheet.name, rule)
    return {"kind": VALIDATION_KINDS[rule.kind], **_bounds(rule)}


def _field(
    wb: Workbook,
    grid: Grid,
    row: int,
    col: int,
    *,
    context: dict[str, Any],
    guessed: bool,
) -> Field:
    cell = grid.cells.get((row, col))
    source = (
        cell.source
        if cell
        else SourceRef(grid.sheet.name, f"{column_letters(col)}{row}")
    )
    rule = next((v for v in grid.sheet.validations if v.covers(row, col)), None)
    fmt = cell.number_format if cell else "General"
    details = _kind_details(wb, grid, rule=rule, fmt=fmt, row=row, col=col)
    indicator, indicator_from = None, ""
    match = _COMMENT_INDICATOR.search(cell.comment or "") if cell else None
    if match:
        indicator, indicator_from = match.group(1), "comment"
    elif source.address in context["indicators"]:
        indicator, indicator_from = context["indicators"][source.address]
    repeat = next(
        (
            r.name
            for r in context["repeats"]
            if r.sheet == grid.sheet.name
            and r.first_row <= row <= r.last_row
            and r.first_col <= col <= r.last_col
        ),
        None,
    )
    return Field(
        source=source,
        row=row,
        col=col,
        title=column_header(grid, row, col) if repeat else field_title(grid, row, col),
        indicator=indicator,
        indicator_from=indicator_from,
        aggregate=KIND_AGGREGATE[details["kind"]],
        repeat=repeat,
        guessed=guessed,
        **details,
    )


def parse(wb: Workbook, extra_repeats: tuple[Repeat, ...] = ()) -> FormModel:
    """Classify every cell of ``wb`` and build the intermediate model.

    :param wb: the workbook from :func:`~baocao.form_designer.reader.read_workbook`.
    :param extra_repeats: groups marked outside the workbook (the designer page).
    """
    repeats, bad_repeats = _repeats(wb)
    repeats.extend(extra_repeats)
    context = {"repeats": repeats, "indicators": _indicator_names(wb)}
    fields: list[Field] = []
    formulas: list[FormulaCell] = []
    for sheet in wb.sheets:
        grid = Grid.of(sheet)
        formulas.extend(
            FormulaCell(c.source, c.row, c.col, c.formula, c.array_formula)
            for c in sheet.cells
            if c.formula is not None
        )
        if sheet.protected:
            positions = [(c.row, c.col) for c in protected_inputs(grid)]
        else:
            positions = guessed_inputs(grid)
        fields.extend(
            _field(wb, grid, row, col, context=context, guessed=not sheet.protected)
            for row, col in positions
        )
    return FormModel(
        sheets=wb.sheets,
        fields=tuple(fields),
        formulas=tuple(formulas),
        repeats=tuple(repeats),
        defined_names=wb.defined_names,
        bad_repeats=tuple(bad_repeats),
    )
