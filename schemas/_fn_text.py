"""Text functions: TEXT, CONCAT, CONCATENATE, LEFT, RIGHT, MID, LEN, TRIM, VALUE…"""

from __future__ import annotations

import re
from typing import Any

from baocao.schemas._spec import ALL, FunctionSpec, flatten, spec
from baocao.schemas._text_format import format_value
from baocao.schemas._values import (
    VALUE,
    Signal,
    XlError,
    single,
    text_to_number,
    to_number,
    to_text,
)

_SPACES = re.compile(" {2,}")


def _count(value: Any, default: float) -> int:
    n = default if value is None else to_number(single(value))
    if n < 0:
        raise Signal(VALUE)
    return int(n)


def left(text: Any, count: Any = None) -> str:
    return to_text(single(text))[: _count(count, 1.0)]


def right(text: Any, count: Any = None) -> str:
    n = _count(count, 1.0)
    value = to_text(single(text))
    return value[len(value) - n :] if n else ""


def mid(text: Any, start: Any, count: Any) -> str:
    first = int(to_number(single(start)))
    if first < 1:
        raise Signal(VALUE)
    return to_text(single(text))[first - 1 : first - 1 + _count(count, 0.0)]


def len_(text: Any) -> float:
    return float(len(to_text(single(text))))


def trim(text: Any) -> str:
    """Excel's TRIM: strip spaces and collapse inner runs to one space."""
    return _SPACES.sub(" ", to_text(single(text)).strip(" "))


def upper(text: Any) -> str:
    return to_text(single(text)).upper()


def lower(text: Any) -> str:
    return to_text(single(text)).lower()


def value(text: Any) -> float:
    item = single(text)
    if type(item) is float:
        return item  # type: ignore[no-any-return]
    if type(item) is bool:
        raise Signal(VALUE)
    number = text_to_number(to_text(item))
    if number is None:
        raise Signal(VALUE)
    return number


def concatenate(*args: Any) -> str:
    return "".join(to_text(single(a)) for a in args)


def concat(*args: Any) -> str:
    """CONCAT also takes ranges, joined row by row."""
    parts = []
    for item, _ref in flatten(args):
        if type(item) is XlError:
            raise Signal(item)
        parts.append(to_text(item))
    return "".join(parts)


def text(number: Any, pattern: Any) -> str:
    return format_value(single(number), to_text(single(pattern)))


FUNCTIONS: dict[str, FunctionSpec] = {
    "LEFT": spec(left, 1, 2),
    "RIGHT": spec(right, 1, 2),
    "MID": spec(mid, 3, 3),
    "LEN": spec(len_, 1, 1),
    "TRIM": spec(trim, 1, 1),
    "UPPER": spec(upper, 1, 1),
    "LOWER": spec(lower, 1, 1),
    "VALUE": spec(value, 1, 1),
    "CONCATENATE": spec(concatenate, 1, None),
    "CONCAT": spec(concat, 1, None, arrays=ALL),
    "TEXT": spec(text, 2, 2),
}
