"""Logic and information: IF, IFERROR, IFS, CHOOSE (lazy), AND, OR, NOT, IS…."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from baocao.schemas._spec import ALL, FunctionSpec, flatten, spec
from baocao.schemas._values import (
    NA,
    VALUE,
    Array,
    Signal,
    XlError,
    single,
    to_bool,
    to_number,
)

Thunk = Callable[[], Any]


def if_(
    condition: Thunk, when_true: Thunk | None = None, when_false: Thunk | None = None
) -> Any:
    """IF: only the chosen branch is evaluated; a missing FALSE branch gives FALSE."""
    if to_bool(single(condition())):
        return when_true() if when_true is not None else True
    return when_false() if when_false is not None else False


def iferror(value: Thunk, fallback: Thunk) -> Any:
    result = value()
    return fallback() if type(result) is XlError else result


def ifs(*pairs: Thunk) -> Any:
    if len(pairs) % 2:
        raise Signal(NA)
    for i in range(0, len(pairs), 2):
        if to_bool(single(pairs[i]())):
            return pairs[i + 1]()
    raise Signal(NA)


def choose(index: Thunk, *options: Thunk) -> Any:
    position = int(to_number(single(index())))
    if position < 1 or position > len(options):
        raise Signal(VALUE)
    return options[position - 1]()


def _logicals(args: tuple[Any, ...]) -> list[bool]:
    """AND/OR inputs: ranges skip text and blanks; direct text is #VALUE!."""
    found = []
    for value, ref in flatten(args):
        kind = type(value)
        if kind is XlError:
            raise Signal(value)
        if value is None or (ref and kind is str):
            continue
        if kind is str:
            raise Signal(VALUE)
        found.append(to_bool(value))
    if not found:
        raise Signal(VALUE)
    return found


def and_(*args: Any) -> bool:
    return all(_logicals(args))


def or_(*args: Any) -> bool:
    return any(_logicals(args))


def not_(value: Any) -> bool:
    return not to_bool(single(value))


def isblank(value: Any) -> bool:
    return _one(value) is None


def isnumber(value: Any) -> bool:
    return type(_one(value)) in {float, bool}  # LibreOffice: logicals are numbers


def iserror(value: Any) -> bool:
    return type(_one(value)) is XlError


def _one(value: Any) -> Any:
    """IS… functions look at the first cell of a range argument."""
    if type(value) is Array:
        return value.data[0] if value.data else None
    return value


FUNCTIONS: dict[str, FunctionSpec] = {
    "IF": spec(if_, 1, 3, lazy=True),
    "IFERROR": spec(iferror, 2, 2, lazy=True),
    "IFS": spec(ifs, 2, None, lazy=True),
    "CHOOSE": spec(choose, 2, None, lazy=True),
    "AND": spec(and_, 1, None, arrays=ALL),
    "OR": spec(or_, 1, None, arrays=ALL),
    "NOT": spec(not_, 1, 1),
    "ISBLANK": spec(isblank, 1, 1),
    "ISNUMBER": spec(isnumber, 1, 1),
    "ISERROR": spec(iserror, 1, 1),
}
