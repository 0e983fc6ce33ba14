"""Input cells of a CompiledForm and the JSON value each kind accepts.

Shared by :mod:`.fill` (values written into a template) and :mod:`.extract`
(values read back from a filled workbook), so both apply the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from baocao.form_designer.errors import Code
from baocao.schemas.compiled import CompiledForm

KIND_NAMES = {
    "integer": "số nguyên",
    "decimal": "số",
    "percent": "số (tỷ lệ)",
    "date": "ngày (YYYY-MM-DD)",
    "text": "chữ",
    "choice": "một giá trị trong danh sách",
    "boolean": "đúng/sai",
    "narrative": "văn bản",
}


def input_kinds(compiled: CompiledForm) -> dict[str, dict[str, Any]]:
    """Address → property schema of every input cell, repeat rows included."""
    out: dict[str, dict[str, Any]] = {}
    for prop in compiled.schema.get("properties", {}).values():
        if "x-repeat" not in prop:
            out[prop["x-cell"]] = prop
            continue
        sheet = prop["x-sheet"]
        for letter, column in prop["items"]["properties"].items():
            for row in range(prop["x-first-row"], prop["x-last-row"] + 1):
                out[f"{sheet}!{letter}{row}"] = column
    return out


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float):
        return value
    return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and float(number).is_integer() else None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    number = _number(value)
    return None if number is None else str(number)


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


#: kind → converter returning the JSON value, or None when the value does not fit.
CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "integer": _integer,
    "decimal": _number,
    "percent": _number,
    "date": _date,
    "text": _text,
    "choice": _text,
    "boolean": _boolean,
    "narrative": _text,
}


def convert(address: str, prop: dict[str, Any], value: Any) -> tuple[Any, str | None]:
    """Return (JSON value, None) or (None, Vietnamese problem) for one input."""
    kind = str(prop.get("x-kind", "text"))
    converter: Callable[[Any], Any] = CONVERTERS.get(kind, _text)
    converted = converter(value)
    allowed = prop.get("enum")
    if converted is None or (allowed and converted not in allowed):
        sheet, cell = address.rsplit("!", 1)
        shown = repr(value) if isinstance(value, str) else str(value)
        return None, Code.FD031.format(
            sheet=sheet, cell=cell, value=shown, kind=KIND_NAMES.get(kind, kind)
        )
    return converted, None
