"""Dates as serial numbers (LibreOffice's epoch 1899-12-30): DATE … EOMONTH, TODAY."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any

from baocao.schemas._spec import EvalContext, FunctionSpec, spec
from baocao.schemas._values import (
    VALUE,
    Signal,
    date_to_serial,
    serial_to_date,
    single,
    to_number,
)

_MAX_YEAR = 9999
_TWO_DIGITS, _CENTURY_PIVOT, _FIRST_YEAR = 100, 30, 1582


def _shift_months(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def _checked(year: int, month: int, day: int) -> float:
    if year < 1 or year > _MAX_YEAR:
        raise Signal(VALUE)
    return date_to_serial(dt.date(year, month, day))


def date(year: Any, month: Any, day: Any) -> float:
    """DATE with Excel's overflow: month 13 is next January, day 0 the day before."""
    y = math.floor(to_number(single(year)))
    if 0 <= y < _TWO_DIGITS:  # LibreOffice's two-digit years: 00-29 → 20xx
        y += 2000 if y < _CENTURY_PIVOT else 1900
    elif y < _FIRST_YEAR:
        raise Signal(VALUE)
    y, m = _shift_months(y, 1, math.floor(to_number(single(month))) - 1)
    first = _checked(y, m, 1)
    return first + math.floor(to_number(single(day))) - 1


def _date_of(value: Any) -> dt.date:
    serial = to_number(single(value))
    if serial < 0:
        raise Signal(VALUE)
    return serial_to_date(serial)


def year(value: Any) -> float:
    return float(_date_of(value).year)


def month(value: Any) -> float:
    return float(_date_of(value).month)


def day(value: Any) -> float:
    return float(_date_of(value).day)


def edate(start: Any, months: Any) -> float:
    base = _date_of(start)
    y, m = _shift_months(base.year, base.month, math.trunc(to_number(single(months))))
    return _checked(
        y, m, min(base.day, calendar.monthrange(y, m)[1]) if 1 <= y <= _MAX_YEAR else 1
    )


def eomonth(start: Any, months: Any) -> float:
    base = _date_of(start)
    y, m = _shift_months(base.year, base.month, math.trunc(to_number(single(months))))
    if y < 1 or y > _MAX_YEAR:
        raise Signal(VALUE)
    return _checked(y, m, calendar.monthrange(y, m)[1])


def today(context: EvalContext) -> float:
    """TODAY from the injected clock (the Calculator refuses TODAY without one)."""
    assert context.today is not None  # noqa: S101 - checked when compiling
    return date_to_serial(context.today)


FUNCTIONS: dict[str, FunctionSpec] = {
    "DATE": spec(date, 3, 3),
    "YEAR": spec(year, 1, 1),
    "MONTH": spec(month, 1, 1),
    "DAY": spec(day, 1, 1),
    "EDATE": spec(edate, 2, 2),
    "EOMONTH": spec(eomonth, 2, 2),
    "TODAY": spec(today, 0, 0, context=True),
}
