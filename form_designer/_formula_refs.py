"""What the compiler needs to know about one formula: references and functions.

A thin adapter over the engine's parser (:func:`baocao.schemas.parse_formula`):
``build_formulas`` sees plain :class:`Reference` values and one exception type,
and every distinct formula text is parsed once per compilation (templates
repeat the same formula shape on every row, but the text differs per row, so
the cache mostly helps repeated cross-sheet formulas and re-compiles).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from baocao.schemas import (
    SUPPORTED_FUNCTIONS,
    FormulaError,
    Name,
    Ref,
    column_letter,
    function_names,
    parse_formula,
    walk,
)

__all__ = [
    "SUPPORTED_FUNCTIONS",
    "FormulaInfo",
    "FormulaSyntaxError",
    "Reference",
    "analyse",
]


@dataclass(frozen=True, slots=True)
class Reference:
    """One cell, range or name read by a formula."""

    text: str
    """As the designer would write it (for messages)."""
    sheet: str | None = None
    """Sheet name as written, None for the formula's own sheet."""
    bounds: tuple[int, int, int, int] | None = None
    """(min_col, min_row, max_col, max_row); None for a defined name."""
    workbook: str | None = None
    """Name of another workbook for an external reference."""
    name: str | None = None
    """Defined name used instead of an address."""
    whole_column: bool = False
    """``A:A``-style: every row of the columns."""
    whole_row: bool = False
    """``1:1``-style: every column of the rows."""


@dataclass(frozen=True, slots=True)
class FormulaInfo:
    """References and function names of one formula."""

    references: tuple[Reference, ...]
    functions: frozenset[str]


class FormulaSyntaxError(ValueError):
    """The formula text cannot be parsed (the engine's message is not shown)."""


def _text(ref: Ref, own_sheet: str) -> str:
    if ref.whole_column:
        body = f"{column_letter(ref.col1)}:{column_letter(ref.col2)}"
    elif ref.whole_row:
        body = f"{ref.row1}:{ref.row2}"
    else:
        body = ref.address.rsplit("!", 1)[1]
    prefix = "" if ref.sheet == own_sheet and ref.workbook is None else f"{ref.sheet}!"
    if ref.workbook is not None:
        prefix = f"[{ref.workbook.strip('[]')}]{prefix}"
    return prefix + body


def _reference(ref: Ref, own_sheet: str) -> Reference:
    return Reference(
        text=_text(ref, own_sheet),
        sheet=None if ref.sheet == own_sheet else ref.sheet,
        bounds=(ref.col1, ref.row1, ref.col2, ref.row2),
        workbook=ref.workbook,
        whole_column=ref.whole_column,
        whole_row=ref.whole_row,
    )


@lru_cache(maxsize=16_384)
def analyse(text: str, sheet: str) -> FormulaInfo:
    """Parse ``text`` (as stored, with its ``=``) written on ``sheet``.

    :raises FormulaSyntaxError: when the engine's parser rejects the text.
    """
    try:
        node = parse_formula(text, sheet)
    except FormulaError as err:
        raise FormulaSyntaxError(text) from err
    refs: list[Reference] = []
    for item in walk(node):
        if isinstance(item, Ref):
            refs.append(_reference(item, sheet))
        elif isinstance(item, Name):
            refs.append(Reference(text=item.name, name=item.name))
    return FormulaInfo(tuple(refs), frozenset(n.upper() for n in function_names(node)))
