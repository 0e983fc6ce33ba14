"""Excel's operators on values: arithmetic, ``&`` and comparisons.

Each takes two (or one) evaluated values and returns a value, errors included,
so that compiled closures never raise. Fast paths first: both operands floats.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from baocao.schemas._values import (
    DIV0,
    NUM,
    VALUE,
    Array,
    Signal,
    approx_equal,
    compare,
    single,
    to_number,
    to_text,
)

BinaryOp = Callable[[Any, Any], Any]


def _numbers(a: Any, b: Any) -> tuple[float, float]:
    return to_number(a), to_number(b)


def _finite(r: float) -> Any:
    return r if r - r == 0.0 else NUM


def add(a: Any, b: Any) -> Any:
    if type(a) is not float or type(b) is not float:
        try:
            a, b = _numbers(a, b)
        except Signal as signal:
            return signal.error
    r = a + b
    if r != 0.0 and (a < 0.0) != (b < 0.0) and approx_equal(a, -b):
        return 0.0
    return _finite(r)


def sub(a: Any, b: Any) -> Any:
    if type(a) is not float or type(b) is not float:
        try:
            a, b = _numbers(a, b)
        except Signal as signal:
            return signal.error
    r = a - b
    if r != 0.0 and (a < 0.0) == (b < 0.0) and approx_equal(a, b):
        return 0.0
    return _finite(r)


def mul(a: Any, b: Any) -> Any:
    if type(a) is not float or type(b) is not float:
        try:
            a, b = _numbers(a, b)
        except Signal as signal:
            return signal.error
    return _finite(a * b)


def div(a: Any, b: Any) -> Any:
    if type(a) is not float or type(b) is not float:
        try:
            a, b = _numbers(a, b)
        except Signal as signal:
            return signal.error
    if b == 0.0:
        return DIV0
    return _finite(a / b)


def power(a: Any, b: Any) -> Any:
    try:
        a, b = _numbers(a, b)
    except Signal as signal:
        return signal.error
    if a == 0.0 and b < 0.0:
        return DIV0
    if a < 0.0 and not b.is_integer():
        root = 1.0 / b
        if root.is_integer() and root % 2 == 1.0:  # odd root, as LibreOffice
            return _finite(-((-a) ** b))
        return NUM
    try:
        return _finite(a**b)
    except OverflowError:
        return NUM


def concat(a: Any, b: Any) -> Any:
    try:
        return to_text(a) + to_text(b)
    except Signal as signal:
        return signal.error


def _comparison(test: Callable[[int], bool]) -> BinaryOp:
    def op(a: Any, b: Any) -> Any:
        if type(a) is float and type(b) is float:  # the usual case, without compare()
            if a == b or approx_equal(a, b):
                return test(0)
            return test(-1 if a < b else 1)
        try:
            return test(compare(a, b))
        except Signal as signal:
            return signal.error

    return op


BINARY: dict[str, BinaryOp] = {
    "+": add,
    "-": sub,
    "*": mul,
    "/": div,
    "^": power,
    "&": concat,
    "=": _comparison(lambda c: c == 0),
    "<>": _comparison(lambda c: c != 0),
    "<": _comparison(lambda c: c < 0),
    ">": _comparison(lambda c: c > 0),
    "<=": _comparison(lambda c: c <= 0),
    ">=": _comparison(lambda c: c >= 0),
}


def negate(a: Any) -> Any:
    try:
        return -to_number(a) + 0.0  # + 0.0 turns -0.0 into 0.0
    except Signal as signal:
        return signal.error


def percent(a: Any) -> Any:
    try:
        return to_number(a) / 100.0
    except Signal as signal:
        return signal.error


def plus(a: Any) -> Any:
    return single(a) if type(a) is Array else a


UNARY: dict[str, Callable[[Any], Any]] = {"-": negate, "%": percent, "+": plus}


def elementwise(op: Callable[..., Any], *operands: Any) -> Any:
    """Apply ``op`` across arrays (SUMPRODUCT's array mode), broadcasting scalars."""
    arrays = [x for x in operands if type(x) is Array]
    if not arrays:
        return op(*operands)
    rows, cols = arrays[0].rows, arrays[0].cols
    if any(x.rows != rows or x.cols != cols for x in arrays):
        return VALUE
    columns = [x.data if type(x) is Array else [x] * (rows * cols) for x in operands]
    return Array(
        rows, cols, [op(*items) for items in zip(*columns, strict=True)], is_ref=False
    )
