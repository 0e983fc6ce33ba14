"""Display of cell values with Vietnamese conventions (1.234.567,89; 12,5%).

An Excel number format is reduced once to a small :class:`DisplayFormat`
(general / number / percent / date / text, decimals, grouping). The same
descriptor is written into the HTML (``data-fmt``) so that the browser script
formats recalculated values exactly as the server does, without re-parsing
Excel format strings in JavaScript.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_GENERAL_DIGITS = 10
GENERAL_INTEGER_LIMIT = 1e11
"""Excel's General format shows integers below this in full."""
EXCEL_LAST_SERIAL = 2958466
"""Serial number of 9999-12-31, the last date Excel knows."""


@dataclass(frozen=True, slots=True)
class DisplayFormat:
    """What the renderers need to know about an Excel number format."""

    kind: str
    """One of ``general``, ``number``, ``percent``, ``date``, ``text``."""
    decimals: int = 0
    """Digits after the decimal comma (number and percent)."""
    grouping: bool = False
    """Whether thousands are separated with dots."""

    @property
    def code(self) -> str:
        """Compact form for ``data-fmt``: ``g``, ``n2,``, ``p1``, ``d``, ``t``."""
        if self.kind in ("number", "percent"):
            return f"{self.kind[0]}{self.decimals}{',' if self.grouping else ''}"
        return self.kind[0]


GENERAL = DisplayFormat("general")


@lru_cache(maxsize=512)
def parse_number_format(number_format: str | None) -> DisplayFormat:
    """Reduce an Excel number format to a :class:`DisplayFormat`.

    Only the first (positive) section counts; literal text, colours and
    padding are ignored because the web grid and the PDF show plain numbers.
    """
    if not number_format or number_format.strip().lower() == "general":
        return GENERAL
    section = _QUOTED.sub("", number_format.split(";", 1)[0])
    if "@" in section:
        return DisplayFormat("text")
    if _DATE_LETTERS.search(section) and "general" not in section.lower():
        return DisplayFormat("date")
    if "0" not in section and "#" not in section:
        return GENERAL
    integer_part, _, fraction = section.partition(".")
    decimals = sum(1 for char in fraction if char in "0#?")
    grouping = "," in integer_part.rstrip(",")
    kind = "percent" if "%" in section else "number"
    return DisplayFormat(kind, decimals, grouping)


def _round_half_up(value: float, decimals: int) -> Decimal:
    """Round like Excel (half away from zero) on the shortest decimal repr."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    """Insert thousands dots into a string of digits."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]]
    parts.extend(digits[i : i + 3] for i in range(head, len(digits), 3))
    return ".".join(parts)


def format_decimal(value: float, decimals: int, grouping: bool) -> str:
    """``1234567.891, 2, True`` → ``1.234.567,89`` (Vietnamese separators)."""
    shortest = repr(float(value))
    _, _, fraction = shortest.partition(".")
    if "e" not in shortest and "n" not in shortest and len(fraction) <= decimals:
        # Nothing to round: Python's formatting is exact and much faster.
        text = f"{value:,.{decimals}f}" if grouping else f"{value:.{decimals}f}"
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    try:
        rounded = _round_half_up(value, decimals)
    except InvalidOperation:
        return str(value)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):f}"
    integer, _, fraction = text.partition(".")
    if grouping:
        integer = _group(integer)
    return f"{sign}{integer},{fraction}" if fraction else f"{sign}{integer}"


def _format_general(value: float) -> str:
    if float(value).is_integer() and abs(value) < GENERAL_INTEGER_LIMIT:
        return str(int(value))
    text = f"{value:.{_GENERAL_DIGITS}g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa.replace('.', ',')}E{exponent}"
    return text.replace(".", ",")


def _format_date(value: Any) -> str:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, int | float) and 0 < value < EXCEL_LAST_SERIAL:
        return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).strftime("%d/%m/%Y")
    return str(value)


def format_value(value: Any, fmt: DisplayFormat = GENERAL) -> str:
    """Text of a cell value as an official reads it in the sheet.

    Strings (text, Excel errors such as ``#DIV/0!``, ``""`` from IFERROR)
    are shown as they are; a blank is ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if fmt.kind == "date":
        return _format_date(value)
    if not isinstance(value, int | float):
        return str(value)
    if fmt.kind in ("number", "percent"):
        scaled = value * 100 if fmt.kind == "percent" else value
        suffix = "%" if fmt.kind == "percent" else ""
        return format_decimal(scaled, fmt.decimals, fmt.grouping) + suffix
    return _format_general(value)


def parse_vietnamese_number(text: str) -> float | None:
    """Read a number typed or pasted by a Vietnamese user (``1.234,5``).

    Mirrors ``parseNumber`` in ``static/baocao-grid.js``: the comma is the
    decimal mark; dots group thousands, except a single dot not followed by
    exactly three digits, which is taken as a decimal point (``1.5``).
    Returns None when the text is not a number.
    """
    cleaned = re.sub(r"[\s\u00a0]", "", text)
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(group_mark, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        single = cleaned.count(",") == 1
        cleaned = cleaned.replace(",", ".") if single else cleaned.replace(",", "")
    elif cleaned.count(".") > 1 or re.fullmatch(r"-?\d{1,3}\.\d{3}", cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", cleaned):
        return None
    number = float(cleaned)
    return -number if negative else number
