"""Arithmetic and statistics: SUM … LARGE, ROUND family, SUBTOTAL."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from baocao.schemas._spec import ALL, FunctionSpec, as_array, flatten, numbers, spec
from baocao.schemas._values import (
    DIV0,
    ROUNDING,
    VALUE,
    Array,
    Signal,
    XlError,
    round_decimal,
    text_to_number,
    to_number,
)


def sum_(*args: Any) -> float:
    """SUM with exact float summation (LibreOffice sums with compensation)."""
    return math.fsum(numbers(args))


def average(*args: Any) -> float:
    found = numbers(args)
    if not found:
        raise Signal(DIV0)
    return math.fsum(found) / len(found)


def min_(*args: Any) -> float:
    return min(numbers(args), default=0.0)


def max_(*args: Any) -> float:
    return max(numbers(args), default=0.0)


def count(*args: Any) -> float:
    """COUNT: numbers and logicals (LibreOffice's 1/0); numeric text given directly."""
    total = 0
    for value, ref in flatten(args):
        kind = type(value)
        if kind is float or kind is bool:
            total += 1
        elif not ref and (
            kind is bool or (kind is str and text_to_number(value) is not None)
        ):
            total += 1
    return float(total)


def counta(*args: Any) -> float:
    """COUNTA: everything but blank cells (a formula's "" counts)."""
    return float(sum(1 for value, ref in flatten(args) if not (ref and value is None)))


def countblank(rng: Any) -> float:
    """COUNTBLANK: blank cells and empty text."""
    return float(sum(1 for value in as_array(rng).data if value is None or value == ""))


def _kth(rng: Any, k: Any, largest: bool) -> float:
    found = sorted(numbers((as_array(rng),)), reverse=largest)
    position = math.floor(to_number(k))
    if position < 1 or position > len(found):
        raise Signal(VALUE)  # LibreOffice: invalid argument, where Excel says #NUM!
    return found[position - 1]


def small(rng: Any, k: Any) -> float:
    return _kth(rng, k, largest=False)


def large(rng: Any, k: Any) -> float:
    return _kth(rng, k, largest=True)


def sumproduct(*args: Any) -> float:
    """SUMPRODUCT: same-shaped arrays, non-numbers count as 0, errors propagate."""
    arrays = [as_array(a) for a in args]
    rows, cols = arrays[0].rows, arrays[0].cols
    if any(a.rows != rows or a.cols != cols for a in arrays):
        raise Signal(VALUE)
    total = []
    for items in zip(*(a.data for a in arrays), strict=True):
        product = 1.0
        for value in items:
            if type(value) is XlError:
                raise Signal(value)
            kind = type(value)
            product *= value if kind is float else float(value) if kind is bool else 0.0
        total.append(product)
    return math.fsum(total)


def _round_with(mode: str) -> Callable[[Any, Any], float]:
    def rounder(number: Any, digits: Any = 0.0) -> float:
        x, places = to_number(number), to_number(digits)
        return round_decimal(x, places, ROUNDING[mode])

    return rounder


def int_(number: Any) -> float:
    return float(math.floor(to_number(number)))


def mod(number: Any, divisor: Any) -> float:
    """MOD with the sign of the divisor, as in Excel."""
    n, d = to_number(number), to_number(divisor)
    if d == 0.0:
        raise Signal(DIV0)
    return n - d * math.floor(n / d)


def abs_(number: Any) -> float:
    return abs(to_number(number))


def _product(*args: Any) -> float:
    return math.prod(numbers(args)) if numbers(args) else 0.0


def _variance(args: tuple[Any, ...], sample: bool) -> float:
    found = numbers(args)
    n = len(found) - (1 if sample else 0)
    if n <= 0:
        raise Signal(DIV0)
    mean = math.fsum(found) / len(found)
    return math.fsum((v - mean) ** 2 for v in found) / n


_SUBTOTALS: dict[int, Callable[..., float]] = {
    1: average,
    2: count,
    3: counta,
    4: max_,
    5: min_,
    6: _product,
    7: lambda *a: math.sqrt(_variance(a, True)),
    8: lambda *a: math.sqrt(_variance(a, False)),
    9: sum_,
    10: lambda *a: _variance(a, True),
    11: lambda *a: _variance(a, False),
}


def subtotal(function: Any, *refs: Any) -> float:
    """SUBTOTAL(1..11 or 101..111, refs); nested SUBTOTAL cells arrive blanked."""
    code = int(to_number(function))
    body = _SUBTOTALS.get(code % 100 if code > 100 else code)  # noqa: PLR2004 - 101..111
    if body is None or any(type(r) is not Array for r in refs):
        raise Signal(VALUE)
    return body(*refs)


FUNCTIONS: dict[str, FunctionSpec] = {
    "SUM": spec(sum_, 1, None, arrays=ALL),
    "AVERAGE": spec(average, 1, None, arrays=ALL),
    "MIN": spec(min_, 1, None, arrays=ALL),
    "MAX": spec(max_, 1, None, arrays=ALL),
    "COUNT": spec(count, 1, None, arrays=ALL),
    "COUNTA": spec(counta, 1, None, arrays=ALL),
    "COUNTBLANK": spec(countblank, 1, 1, arrays=ALL),
    "SMALL": spec(small, 2, 2, arrays=frozenset({0})),
    "LARGE": spec(large, 2, 2, arrays=frozenset({0})),
    "SUMPRODUCT": spec(sumproduct, 1, None, arrays=ALL, force_array=True),
    "ROUND": spec(_round_with("half"), 2, 2),
    "ROUNDUP": spec(_round_with("up"), 2, 2),
    "ROUNDDOWN": spec(_round_with("down"), 2, 2),
    "INT": spec(int_, 1, 1),
    "MOD": spec(mod, 2, 2),
    "ABS": spec(abs_, 1, 1),
    "SUBTOTAL": spec(subtotal, 2, None, arrays=ALL, skip_subtotals=True),
}
