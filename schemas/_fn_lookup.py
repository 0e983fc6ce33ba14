"""Lookup and reference: INDEX, MATCH, VLOOKUP, HLOOKUP, ROWS, COLUMNS."""

from __future__ import annotations

from typing import Any

from baocao.schemas._fn_criteria import wildcard_regex
from baocao.schemas._spec import FunctionSpec, as_array, spec
from baocao.schemas._values import (
    NA,
    VALUE,
    Array,
    Signal,
    XlError,
    approx_equal,
    check,
    compare,
    single,
    to_bool,
    to_number,
)


def index(array: Any, row: Any = None, column: Any = None) -> Any:
    """INDEX(array, row, [column]); 0 selects a whole row/column; one index on a
    single row picks the column."""
    array = as_array(array)
    r = int(to_number(single(row))) if row is not None else 0
    c = int(to_number(single(column))) if column is not None else 0
    if column is None and array.rows == 1 and array.cols > 1:
        r, c = 1, r
    elif column is None and array.cols == 1:
        c = 1
    if r < 0 or c < 0 or r > array.rows or c > array.cols:
        raise Signal(VALUE)  # LibreOffice; Excel says #REF!
    if r and c:
        return array.at(r - 1, c - 1)
    if r:
        return Array(1, array.cols, [array.at(r - 1, j) for j in range(array.cols)])
    if c:
        return Array(array.rows, 1, [array.at(i, c - 1) for i in range(array.rows)])
    return array


def _same_kind(a: Any, b: Any) -> bool:
    return (type(a) is str) == (type(b) is str)


def _find(value: Any, items: list[Any], mode: int) -> int:
    """Position (0-based) of ``value`` in ``items`` by MATCH's match_type."""
    value = check(single(value))
    if value is None:
        raise Signal(NA)
    found = _find_exact(value, items) if mode == 0 else _find_sorted(value, items, mode)
    if found < 0:
        raise Signal(NA)
    return found


def _find_exact(value: Any, items: list[Any]) -> int:
    if type(value) is float:  # the common case, without the generic compare
        for i, item in enumerate(items):
            kind = type(item)
            if (kind is float or kind is bool) and approx_equal(float(item), value):
                return i
        return -1
    if type(value) is str and any(ch in value for ch in "*?~"):
        regex = wildcard_regex(value)
        for i, item in enumerate(items):
            if type(item) is str and regex.fullmatch(item):
                return i
        return -1
    for i, item in enumerate(items):
        if (
            item is not None
            and type(item) is not XlError
            and _same_kind(item, value)
            and compare(item, value) == 0
        ):
            return i
    return -1


def _find_sorted(value: Any, items: list[Any], mode: int) -> int:
    """Approximate match on sorted data: the last item ≤ value (≥ for mode -1)."""
    found = -1
    for i, item in enumerate(items):
        if item is None or type(item) is XlError or not _same_kind(item, value):
            continue
        order = compare(item, value)
        if (order <= 0) if mode > 0 else (order >= 0):
            found = i
        else:
            break
    return found


def match(value: Any, array: Any, mode: Any = 1.0) -> float:
    array = as_array(array)
    if array.rows > 1 and array.cols > 1:
        raise Signal(NA)
    kind = to_number(single(mode)) if mode is not None else 1.0
    return float(
        _find(value, array.data, 0 if kind == 0 else (1 if kind > 0 else -1)) + 1
    )


def _lookup(
    value: Any, table: Array, line: Any, approximate: Any, vertical: bool
) -> Any:
    position = int(to_number(single(line)))
    size = table.cols if vertical else table.rows
    if position < 1 or position > size:
        raise Signal(VALUE)  # LibreOffice; Excel says #REF! above the size
    exact = approximate is not None and not to_bool(single(approximate))
    if vertical:
        keys = [table.at(i, 0) for i in range(table.rows)]
    else:
        keys = [table.at(0, j) for j in range(table.cols)]
    found = _find(value, keys, 0 if exact else 1)
    return table.at(found, position - 1) if vertical else table.at(position - 1, found)


def vlookup(value: Any, table: Any, column: Any, approximate: Any = None) -> Any:
    return _lookup(value, as_array(table), column, approximate, vertical=True)


def hlookup(value: Any, table: Any, row: Any, approximate: Any = None) -> Any:
    return _lookup(value, as_array(table), row, approximate, vertical=False)


def rows(array: Any) -> float:
    return float(as_array(array).rows)


def columns(array: Any) -> float:
    return float(as_array(array).cols)


FUNCTIONS: dict[str, FunctionSpec] = {
    "INDEX": spec(index, 2, 3, arrays=frozenset({0})),
    "MATCH": spec(match, 2, 3, arrays=frozenset({1})),
    "VLOOKUP": spec(vlookup, 3, 4, arrays=frozenset({1})),
    "HLOOKUP": spec(hlookup, 3, 4, arrays=frozenset({1})),
    "ROWS": spec(rows, 1, 1, arrays=frozenset({0})),
    "COLUMNS": spec(columns, 1, 1, arrays=frozenset({0})),
}
