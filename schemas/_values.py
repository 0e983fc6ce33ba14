"""Excel values at run time and the coercions between them.

A value is ``float`` (every number, never ``int``), ``str``, ``bool``, ``None``
(a blank cell), an :class:`XlError`, or an :class:`Array` (a range or an array
result). Coercion failures raise :class:`Signal`, which the function-call wrapper
turns back into the error value, so function bodies read like Excel's help.
Numeric tolerance follows LibreOffice (``rtl::math::approxEqual``), the oracle.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any


class XlError:
    """An Excel error value such as ``#DIV/0!`` (one shared instance per code)."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return self.code


DIV0, VALUE, NA, REF = (
    XlError("#DIV/0!"),
    XlError("#VALUE!"),
    XlError("#N/A"),
    XlError("#REF!"),
)
NAME, NUM, NULL = XlError("#NAME?"), XlError("#NUM!"), XlError("#NULL!")
ERRORS: dict[str, XlError] = {
    e.code: e for e in (DIV0, VALUE, NA, REF, NAME, NUM, NULL)
}


class Signal(Exception):
    """Raised inside functions to return an error value."""

    __slots__ = ("error",)

    def __init__(self, error: XlError) -> None:
        self.error = error


class Array:
    """A rectangular block of values, row-major; ``is_ref`` when read from cells."""

    __slots__ = ("cols", "data", "is_ref", "rows")

    def __init__(
        self, rows: int, cols: int, data: list[Any], is_ref: bool = True
    ) -> None:
        self.rows, self.cols, self.data, self.is_ref = rows, cols, data, is_ref

    def at(self, row: int, col: int) -> Any:
        """0-based access."""
        return self.data[row * self.cols + col]


E44 = 2.0**-44
_PLAIN_ABOVE, _PLAIN_BELOW = 1e16, 1e-14
_NUMBER_TEXT = re.compile(
    r"^\s*([+-]?)\$?(\d+(?:,\d{3})*(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*(%?)\s*$"
)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_EPOCH = dt.date(1899, 12, 30)
_FIRST_DAY = (dt.date(1, 1, 1) - _EPOCH).days
_LAST_DAY = (dt.date(9999, 12, 31) - _EPOCH).days


def approx_equal(a: float, b: float) -> bool:
    """LibreOffice's approxEqual: equal up to about 14 significant digits."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0:
        return False
    d = abs(a - b)
    if not math.isfinite(d) or d > abs(a) * E44 or d > abs(b) * E44:
        return False
    return not (d.is_integer() and a.is_integer() and b.is_integer())


def approx_add(a: float, b: float) -> float:
    """``a + b`` that yields exactly 0 when the operands cancel (as LibreOffice)."""
    r = a + b
    if r != 0.0 and ((a < 0.0) != (b < 0.0)) and approx_equal(a, -b):
        return 0.0
    return r


def approx_sub(a: float, b: float) -> float:
    """``a - b`` that yields exactly 0 when the operands cancel (as LibreOffice)."""
    r = a - b
    if r != 0.0 and ((a < 0.0) == (b < 0.0)) and approx_equal(a, b):
        return 0.0
    return r


def date_to_serial(value: dt.date) -> float:
    """Days since 1899-12-30, as LibreOffice (Excel agrees from 1900-03-01)."""
    return float((value - _EPOCH).days)


def serial_to_date(serial: float) -> dt.date:
    """Inverse of :func:`date_to_serial`; raises #NUM! outside Excel's range."""
    days = math.floor(serial)
    if days < _FIRST_DAY or days > _LAST_DAY:
        raise Signal(VALUE)
    return _EPOCH + dt.timedelta(days=days)


def text_to_number(text: str) -> float | None:  # noqa: PLR0911 - one exit per form
    """Excel's reading of text as a number: ``" 1,234.5 "``, ``"50%"``, ISO dates."""
    match = _NUMBER_TEXT.match(text)
    if match:
        sign, digits, exponent, percent = match.groups()
        try:
            value = float(
                digits.replace(",", "") + (f"e{exponent}" if exponent else "")
            )
        except OverflowError:  # pragma: no cover - float() returns inf instead
            return None
        if math.isinf(value):
            return None
        value = -value if sign == "-" else value
        return value / 100.0 if percent else value
    iso, us = _ISO_DATE.match(text), _US_DATE.match(text)
    try:
        if iso:
            return date_to_serial(dt.date(*(int(g) for g in iso.groups())))
        if us:
            month, day, year = (int(g) for g in us.groups())
            return date_to_serial(dt.date(year, month, day))
    except ValueError:
        return None
    return None
    return None


def to_number(value: Any) -> float:
    """Number for arithmetic: blank 0, TRUE 1, numeric text parsed, else #VALUE!."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[no-any-return]
    if value is None:
        return 0.0
    if kind is bool:
        return 1.0 if value else 0.0
    if kind is str:
        number = text_to_number(value)
        if number is None:
            raise Signal(VALUE)
        return number
    if kind is XlError:
        raise Signal(value)
    if kind is Array:
        return to_number(single(value))
    return float(value)


def single(value: Any) -> Any:
    """The value of a 1x1 array; #VALUE! for larger arrays."""
    if type(value) is Array:
        if value.rows * value.cols != 1:
            raise Signal(VALUE)
        return value.data[0]
    return value


def number_text(x: float) -> str:
    """The General format of ``&`` and text functions: 3.0 → "3", 1.5 → "1.5".

    As LibreOffice: 15 significant digits, plain notation from 1E-14 up to
    1E+16 (whole numbers keep every digit), otherwise ``1.5E+016``.
    """
    if x == 0.0:
        return "0"
    magnitude = abs(x)
    if magnitude >= _PLAIN_ABOVE or magnitude < _PLAIN_BELOW:
        mantissa, exponent = format(x, ".14e").split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{exponent[0]}{exponent[1:].rjust(3, '0')}"
    if x.is_integer():
        return str(int(x))
    digits = format(Decimal(format(x, ".15g")), "f")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


def to_text(value: Any) -> str:
    """Text for ``&`` and text functions: blank "", TRUE "TRUE", 3.0 "3"."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is float:
        return number_text(value)
    if value is None:
        return ""
    if kind is bool:
        return "1" if value else "0"  # LibreOffice has no logical type: TRUE is 1
    if kind is XlError:
        raise Signal(value)
    if kind is Array:
        return to_text(single(value))
    return str(value)


def to_bool(value: Any) -> bool:
    """Logical value: numbers ≠ 0, "TRUE"/"FALSE" text, blank FALSE; else #VALUE!."""
    kind = type(value)
    if kind is bool:
        return value  # type: ignore[no-any-return]
    if kind is float:
        return value != 0.0
    if value is None:
        return False
    if kind is str:
        upper = value.upper()
        if upper in {"TRUE", "FALSE"}:
            return upper == "TRUE"
        raise Signal(VALUE)
    if kind is XlError:
        raise Signal(value)
    if kind is Array:
        return to_bool(single(value))
    return bool(value)


def check(value: Any) -> Any:
    """Raise the error ``value`` is, else return it."""
    if type(value) is XlError:
        raise Signal(value)
    return value


_RANK = {float: 0, bool: 0, str: 1}  # LibreOffice: logicals are numbers


def compare(a: Any, b: Any) -> int:
    """Ordering: numbers (and logicals, as 1/0) < text; text case-insensitive."""
    a, b = check(single(a)), check(single(b))
    if a is None:
        a = _blank_like(b)
    if b is None:
        b = _blank_like(a)
    if a is None:
        return 0
    ra, rb = _RANK.get(type(a), 0), _RANK.get(type(b), 0)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        a, b = float(a), float(b)
        if approx_equal(a, b):
            return 0
        return -1 if a < b else 1
    if ra == 1:
        a, b = a.casefold(), b.casefold()
    return 0 if a == b else (-1 if a < b else 1)


def _blank_like(other: Any) -> Any:
    kind = type(other)
    if kind is str:
        return ""
    return None if other is None else 0.0


def round_decimal(x: float, digits: float, mode: str = ROUND_HALF_UP) -> float:
    """Round as Excel does: on the 15-significant-digit decimal, half away from 0.

    The float shortcut is taken only when the scaled value is far from a tie
    (and small enough to be exact); everything else goes through ``Decimal``.
    """
    places = int(digits)
    if mode == ROUND_HALF_UP and 0 <= places <= _FAST_PLACES:
        factor = _POWERS[places]
        scaled = abs(x) * factor
        whole = math.floor(scaled)
        margin = _TIE_MARGIN + scaled * 1e-13  # the 15-digit rounding may move a tie
        if scaled < _FAST_LIMIT and abs(scaled - whole - 0.5) > margin:
            rounded = whole + 1 if scaled - whole > 0.5 else whole  # noqa: PLR2004
            return math.copysign(rounded / factor, x) if rounded else 0.0
    try:
        exact = Decimal(format(x, ".15g"))
        quantum = Decimal(1).scaleb(-places)
        return float(exact.quantize(quantum, rounding=mode))
    except InvalidOperation:
        return x


_FAST_PLACES, _FAST_LIMIT, _TIE_MARGIN = 10, 1e12, 1e-6
_POWERS = [10.0**n for n in range(_FAST_PLACES + 1)]
ROUNDING = {"half": ROUND_HALF_UP, "up": ROUND_UP, "down": ROUND_DOWN}
