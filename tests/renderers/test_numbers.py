"""Vietnamese display of cell values (issue #4 item 2: 1.234.567,89; percent)."""

from __future__ import annotations

import pytest
from baocao.renderers.numbers import (
    DisplayFormat,
    format_value,
    parse_number_format,
    parse_vietnamese_number,
)


@pytest.mark.parametrize(
    ("number_format", "expected"),
    [
        ("General", DisplayFormat("general")),
        (None, DisplayFormat("general")),
        ("#,##0.00", DisplayFormat("number", 2, True)),
        ("#,##0", DisplayFormat("number", 0, True)),
        ("0.00", DisplayFormat("number", 2, False)),
        ("0.0%", DisplayFormat("percent", 1, False)),
        ('#,##0.00" tỷ";[Red]-#,##0.00', DisplayFormat("number", 2, True)),
        ("dd/mm/yyyy", DisplayFormat("date")),
        ("@", DisplayFormat("text")),
    ],
    ids=[
        "general",
        "none",
        "grouped-2",
        "grouped-0",
        "plain-2",
        "percent",
        "literal",
        "date",
        "text",
    ],
)
def test_parse_number_format(
    number_format: str | None, expected: DisplayFormat
) -> None:
    assert parse_number_format(number_format) == expected


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (1234567.891, "#,##0.00", "1.234.567,89"),
        (-1234567.891, "#,##0.00", "-1.234.567,89"),
        (2.675, "0.00", "2,68"),  # half away from zero on the decimal value, like Excel
        (-2.5, "0", "-3"),
        (0.125, "0.0%", "12,5%"),
        (1234567.5, "General", "1234567,5"),
        (12, "General", "12"),
        (1e15 + 0.5, "General", "1E+15"),
        ("#DIV/0!", "0.00", "#DIV/0!"),
        ("", "0.00", ""),
        (None, "0.00", ""),
        (True, "General", "TRUE"),
        ("2026-03-05", "dd/mm/yyyy", "05/03/2026"),
        (46086, "dd/mm/yyyy", "05/03/2026"),
    ],
    ids=[
        "grouped",
        "negative",
        "half-up",
        "negative-half",
        "percent",
        "general-fraction",
        "general-int",
        "general-exp",
        "excel-error",
        "iferror-blank",
        "blank",
        "bool",
        "iso-date",
        "serial-date",
    ],
)
def test_format_value(value: object, number_format: str, expected: str) -> None:
    assert format_value(value, parse_number_format(number_format)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1.234", 1234.0),
        ("1.5", 1.5),
        ("12,75", 12.75),
        ("1,234.5", 1234.5),
        ("(300)", -300.0),
        ("-0,5", -0.5),
        (" 2 000 ", 2000.0),
        ("abc", None),
        ("", None),
        ("1,2,3", 123.0),
    ],
    ids=[
        "vi-decimal",
        "vi-groups",
        "vi-thousand",
        "dot-decimal",
        "comma-decimal",
        "en-format",
        "accounting-negative",
        "negative",
        "spaces",
        "text",
        "empty",
        "comma-groups",
    ],
)
def test_parse_vietnamese_number(text: str, expected: float | None) -> None:
    assert parse_vietnamese_number(text) == expected
