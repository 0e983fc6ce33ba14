"""Conversion of reader values to JSON values (numbers, strings, ISO dates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from baocao.form_designer.workbook import Value

JsonValue = str | int | float | bool | None


def json_value(value: Value) -> JsonValue:
    """Decimal → int or float, date → ``YYYY-MM-DD``, others unchanged."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str | bool) or value is None else str(value)
