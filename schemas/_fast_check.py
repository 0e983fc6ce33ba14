"""A quick "certainly valid" pre-check for the usual shape of a form's ``schema``.

Draft 2020-12 validation of a 2,000-field submission costs jsonschema about
25 ms; most submissions are valid and their schema uses a handful of keywords
(type, minimum/maximum, enum of strings, length, date format). This module
compiles those keywords into plain predicates. It only ever answers "valid for
sure" (``True``) or "ask jsonschema" (``False``): any keyword it does not know
disables it, and every error message still comes from jsonschema.
``tests/schemas/test_fast_check.py`` checks that ``True`` implies jsonschema
agrees, on random schemas and documents.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

Check = Callable[[Any], bool]
_ANNOTATIONS = {
    "title",
    "description",
    "$comment",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
    "contentMediaType",
    "contentEncoding",
}
_TOP = {
    "$schema",
    "$id",
    "type",
    "properties",
    "required",
    "additionalProperties",
    *_ANNOTATIONS,
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_TYPES: dict[str, Check] = {
    "number": lambda v: type(v) is int or type(v) is float,
    "integer": lambda v: type(v) is int or (type(v) is float and v.is_integer()),
    "string": lambda v: type(v) is str,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def _is_number(v: Any) -> bool:
    return type(v) is int or type(v) is float


def _date(v: Any) -> bool:
    if type(v) is not str:
        return True
    if not _DATE.fullmatch(v):
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _keyword(name: str, value: Any) -> Check | None:  # noqa: PLR0911 - one per keyword
    """Predicate of one keyword, or None when this module does not handle it."""
    if name == "type":
        names = value if isinstance(value, list) else [value]
        checks = [_TYPES[n] for n in names if n in _TYPES]
        if len(checks) != len(names):
            return None
        return lambda v: any(c(v) for c in checks)
    if name in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        if not _is_number(value):
            return None
        compare = {
            "minimum": operator.ge,
            "maximum": operator.le,
            "exclusiveMinimum": operator.gt,
            "exclusiveMaximum": operator.lt,
        }[name]
        return lambda v: not _is_number(v) or bool(compare(v, value))
    if name == "enum":
        if not isinstance(value, list) or not all(type(x) is str for x in value):
            return None
        allowed = frozenset(value)
        return lambda v: type(v) is str and v in allowed
    if name in {"maxLength", "minLength"} and type(value) is int:
        longest = name == "maxLength"
        return lambda v: (
            type(v) is not str or ((len(v) <= value) if longest else (len(v) >= value))
        )
    if name == "format" and value == "date":
        return _date
    return None


def _property(schema: Any) -> Check | None:
    if not isinstance(schema, Mapping):
        return None
    checks = []
    for name, value in schema.items():
        if name in _ANNOTATIONS or name.startswith("x-"):
            continue
        check = _keyword(name, value)
        if check is None:
            if "$ref" in schema or "$dynamicRef" in schema:
                return None
            validator = Draft202012Validator(schema, format_checker=FormatChecker())
            return validator.is_valid
        checks.append(check)
    return lambda v: all(c(v) for c in checks)


def compile_fast_check(schema: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """A function returning True only for data that is valid; None if not applicable."""
    if schema.get("type") != "object" or not all(
        k in _TOP or k.startswith("x-") for k in schema
    ):
        return None
    extra = schema.get("additionalProperties", True)
    if not isinstance(extra, bool):
        return None
    properties: dict[str, Check] = {}
    for name, prop in (schema.get("properties") or {}).items():
        check = _property(prop)
        if check is None:
            return None
        properties[name] = check
    required = tuple(schema.get("required") or ())

    def certainly_valid(data: Any) -> bool:
        if type(data) is not dict:
            return False
        for key, value in data.items():
            check = properties.get(key)
            if check is None:
                if not extra:
                    return False
            elif not check(value):
                return False
        return all(name in data for name in required)

    return certainly_valid
