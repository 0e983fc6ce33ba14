"""Formula-injection escaping for exported spreadsheets (OWASP CSV injection).

A value typed by a unit (a school name, a note) that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be run as a formula when a
reviewer opens the export in Excel. Such text gets a leading apostrophe, which
Excel shows as plain text. Numbers are never touched: a negative number is data.
Used by the CSV export; the .xlsx fill path marks such text as a string cell instead
(``baocao.form_designer.fill``), which keeps the value exact.
"""

from __future__ import annotations

from typing import TypeVar

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def escape_formula_text(value: T) -> T | str:
    """Return ``value`` with a leading ``'`` when it is text that Excel would evaluate.

    :param value: any cell value; only ``str`` is changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
