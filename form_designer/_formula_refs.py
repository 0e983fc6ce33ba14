"""What the compiler needs to know about one formula: references and functions.

A thin adapter over the formula parser so that ``build_formulas`` sees plain
:class:`Reference` values whatever parser produced them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_ROW = 1_048_576
MAX_COL = 16_384


@dataclass(frozen=True, slots=True)
class Reference:
    """One cell, range or name read by a formula."""

    text: str
    """As written in the formula (for messages)."""
    sheet: str | None = None
    """Sheet name, None for the formula's own sheet."""
    bounds: tuple[int, int, int, int] | None = None
    """(min_col, min_row, max_col, max_row); None for a defined name."""
    workbook: str | None = None
    """Name of another workbook for an external reference."""
    name: str | None = None
    """Defined name used instead of an address."""

    @property
    def whole_column(self) -> bool:
        """``A:A``-style: every row of the columns."""
        return self.bounds is not None and self.bounds[1] <= 1 and self.bounds[3] >= MAX_ROW

    @property
    def whole_row(self) -> bool:
        """``1:1``-style: every column of the rows."""
        return self.bounds is not None and self.bounds[0] <= 1 and self.bounds[2] >= MAX_COL


@dataclass(frozen=True, slots=True)
class FormulaInfo:
    """References and function names of one formula."""

    references: tuple[Reference, ...]
    functions: frozenset[str]


class FormulaSyntaxError(ValueError):
    """The formula text cannot be parsed."""


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _reference(token: Any) -> Reference:
    attr = token.attr
    external = attr.get("filename") or attr.get("excel_id")
    sheet = attr.get("sheet") or None
    if "r1" not in attr:
        return Reference(token.name, sheet, None, external, attr.get("ref", token.name))
    c1 = _column_number(attr["c1"]) if attr.get("c1") else 1
    c2 = _column_number(attr["c2"]) if attr.get("c2") else MAX_COL
    r1, r2 = max(int(attr["r1"] or 1), 1), int(attr["r2"] or MAX_ROW)
    return Reference(attr.get("expr", token.name), sheet, (c1, r1, c2, r2), external)


@lru_cache(maxsize=8192)
def analyse(text: str) -> FormulaInfo:
    """Parse ``text`` (with its ``=``) and list what it references and calls.

    :raises FormulaSyntaxError: when the text is not a valid formula.
    """
    import formulas  # heavy; imported on first use only

    try:
        tokens = formulas.Parser().ast(text)[0]
    except (formulas.errors.BaseError, ValueError, TypeError, KeyError, IndexError) as err:
        raise FormulaSyntaxError(text) from err
    refs, functions = [], set()
    for token in tokens:
        kind = type(token).__name__
        if kind == "Range":
            refs.append(_reference(token))
        elif kind == "Function":
            functions.add(token.name.upper())
    return FormulaInfo(tuple(refs), frozenset(functions))


#: Functions the engine evaluates (issue #3's list).
SUPPORTED_FUNCTIONS = frozenset(
    """SUM SUMIF SUMIFS SUMPRODUCT COUNT COUNTA COUNTBLANK COUNTIF COUNTIFS AVERAGE
    AVERAGEIF MIN MAX SMALL LARGE ROUND ROUNDUP ROUNDDOWN INT MOD ABS IF IFERROR IFS
    AND OR NOT ISBLANK ISNUMBER ISERROR INDEX MATCH VLOOKUP HLOOKUP ROWS COLUMNS
    CHOOSE TEXT CONCATENATE CONCAT LEFT RIGHT MID LEN TRIM UPPER LOWER VALUE DATE
    YEAR MONTH DAY TODAY EDATE EOMONTH SUBTOTAL""".split()
)
