"""Criteria functions: COUNTIF(S), SUMIF(S), AVERAGEIF with Excel's criteria text.

A criterion is a value or text such as ``">35"``, ``"<>x"``, ``"Mầm non"`` or
``"T*"``: an optional operator, then a number, a logical or text; ``=`` and
``<>`` on text honour the wildcards ``*``, ``?`` and the escape ``~``, and text
always matches case-insensitively.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from baocao.schemas._spec import FunctionSpec, as_array, spec
from baocao.schemas._values import (
    DIV0,
    VALUE,
    Array,
    Signal,
    XlError,
    approx_equal,
    single,
    text_to_number,
)

Predicate = Callable[[Any], bool]
_OPERATORS = ("<=", ">=", "<>", "<", ">", "=")


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """Excel wildcards → an anchored, case-insensitive regular expression."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "~" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _numeric(op: str, target: float) -> Predicate:
    def test(value: Any) -> bool:
        kind = type(value)
        if kind is bool:
            value = 1.0 if value else 0.0
        elif kind is not float:
            return op == "<>"
        if op in {"=", "<>"}:
            return approx_equal(value, target) == (op == "=")
        equal = approx_equal(value, target)
        return {
            "<": value < target and not equal,
            ">": value > target and not equal,
            "<=": value < target or equal,
            ">=": value > target or equal,
        }[op]

    return test


def _textual(op: str, target: str) -> Predicate:
    if op in {"=", "<>"}:
        if target == "":
            empty = op == "="
            return lambda v: (v is None or v == "") == empty
        if any(c in target for c in "*?~"):
            regex = wildcard_regex(target)

            def match(v: Any) -> bool:
                return type(v) is str and regex.fullmatch(v) is not None

        else:
            folded = target.casefold()

            def match(v: Any) -> bool:
                return type(v) is str and v.casefold() == folded

        return match if op == "=" else (lambda v: not match(v))
    folded = target.casefold()
    compare = {"<": str.__lt__, ">": str.__gt__, "<=": str.__le__, ">=": str.__ge__}[op]
    return lambda v: type(v) is str and compare(v.casefold(), folded)


@lru_cache(maxsize=1024)
def _parse_text_criterion(text: str) -> Predicate:
    op = next((o for o in _OPERATORS if text.startswith(o)), "")
    rest = text[len(op) :]
    op = op or "="
    number = text_to_number(rest) if rest.strip() else None
    if number is not None:
        return _numeric(op, number)
    if rest.upper() in {"TRUE", "FALSE"}:
        return _numeric(op, 1.0 if rest.upper() == "TRUE" else 0.0)
    return _textual(op, rest)


def criterion(value: Any) -> Predicate:
    """The predicate a criterion argument stands for."""
    value = single(value)
    kind = type(value)
    if kind is XlError:
        return lambda v: v is value
    if kind is float:
        return _numeric("=", value)
    if kind is bool:
        return _numeric("=", 1.0 if value else 0.0)
    if value is None:
        return _numeric("=", 0.0)
    return _parse_text_criterion(str(value))


def _matching(pairs: tuple[Any, ...]) -> list[int] | None:
    """Indexes where every (range, criterion) pair matches; None on shape mismatch."""
    ranges = [as_array(r) for r in pairs[0::2]]
    tests = [criterion(c) for c in pairs[1::2]]
    first = ranges[0]
    if any(r.rows != first.rows or r.cols != first.cols for r in ranges):
        return None
    return [
        i
        for i in range(len(first.data))
        if all(t(r.data[i]) for r, t in zip(ranges, tests, strict=True))
    ]


def _sum_at(target: Array, indexes: list[int]) -> list[float]:
    found = []
    for i in indexes:
        value = target.data[i] if i < len(target.data) else None
        if type(value) is XlError:
            raise Signal(value)
        if type(value) is float:
            found.append(value)
        elif type(value) is bool:
            found.append(1.0 if value else 0.0)
    return found


def countif(rng: Any, crit: Any) -> float:
    test = criterion(crit)
    return float(sum(1 for v in as_array(rng).data if test(v)))


def countifs(*pairs: Any) -> float:
    indexes = _matching(pairs)
    if indexes is None:
        raise Signal(VALUE)
    return float(len(indexes))


def _same_shape(rng: Array, target: Any) -> Array:
    """SUMIF's sum range takes the shape of the criteria range (Excel resizes it)."""
    target = as_array(target)
    if target.rows == rng.rows and target.cols == rng.cols:
        return target
    data = [
        target.at(r, c) if r < target.rows and c < target.cols else None
        for r in range(rng.rows)
        for c in range(rng.cols)
    ]
    return Array(rng.rows, rng.cols, data)


def sumif(rng: Any, crit: Any, sum_range: Any = None) -> float:
    rng = as_array(rng)
    target = rng if sum_range is None else _same_shape(rng, sum_range)
    test = criterion(crit)
    return math.fsum(_sum_at(target, [i for i, v in enumerate(rng.data) if test(v)]))


def sumifs(sum_range: Any, *pairs: Any) -> float:
    indexes = _matching(pairs)
    target = as_array(sum_range)
    if indexes is None or len(target.data) != len(as_array(pairs[0]).data):
        raise Signal(VALUE)
    return math.fsum(_sum_at(target, indexes))


def averageif(rng: Any, crit: Any, avg_range: Any = None) -> float:
    rng = as_array(rng)
    target = rng if avg_range is None else _same_shape(rng, avg_range)
    test = criterion(crit)
    found = _sum_at(target, [i for i, v in enumerate(rng.data) if test(v)])
    if not found:
        raise Signal(DIV0)
    return math.fsum(found) / len(found)


_EVEN = frozenset(range(0, 256, 2))
FUNCTIONS: dict[str, FunctionSpec] = {
    "COUNTIF": spec(countif, 2, 2, arrays=frozenset({0})),
    "COUNTIFS": spec(countifs, 2, None, arrays=_EVEN),
    "SUMIF": spec(sumif, 2, 3, arrays=frozenset({0, 2}), resize=frozenset({2})),
    "SUMIFS": spec(sumifs, 3, None, arrays=frozenset({0, *range(1, 256, 2)})),
    "AVERAGEIF": spec(averageif, 2, 3, arrays=frozenset({0, 2}), resize=frozenset({2})),
}
