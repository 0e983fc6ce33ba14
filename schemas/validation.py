"""Validation of submitted data against ``schema``; documents against meta-schemas.

Validators are built once and cached (building a Draft 2020-12 validator for a
2,000-field schema costs far more than using it). Every
:class:`jsonschema.ValidationError` becomes a :class:`FieldError` keyed by the
cell's public address with a Vietnamese message, e.g.
``"[Biểu 01!D7] Giá trị phải ≥ 0."``; a repeat group's row maps back to its cell.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from baocao.schemas._fast_check import compile_fast_check
from baocao.schemas.codes import DataCode, DataValidationError
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

META_SCHEMAS = ("schema", "layout", "formulas")
_CACHE_SIZE = 64
_TYPE_WORDS = {
    "number": "số",
    "integer": "số nguyên",
    "string": "chữ",
    "boolean": "đúng/sai",
    "array": "danh sách",
    "object": "đối tượng",
    "null": "trống",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one cell of submitted data."""

    address: str
    """``Sheet!A1`` of the cell (or the repeat group's name)."""
    code: str
    """Stable code such as ``DV001``."""
    message: str
    """Vietnamese message starting with ``[Sheet!A1]``."""


@lru_cache(maxsize=len(META_SCHEMAS))
def meta_schema(name: str) -> dict[str, Any]:
    """The meta-schema of ``schema``, ``layout`` or ``formulas``."""
    if name not in META_SCHEMAS:
        raise ValueError(name)
    text = (files("baocao.schemas") / "meta" / f"{name}.schema.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@lru_cache(maxsize=len(META_SCHEMAS))
def _meta_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(meta_schema(name), format_checker=FormatChecker())


def check_document(name: str, document: Any) -> list[str]:
    """Where ``document`` breaks its meta-schema: ``"cells/…: message"`` lines."""
    return [
        "/".join(str(p) for p in error.absolute_path) + f": {error.message}"
        for error in _meta_validator(name).iter_errors(document)
    ]


class DataValidator:
    """Validates submissions of one form; build once per form version and reuse."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._validator = Draft202012Validator(schema, format_checker=FormatChecker())
        self._certainly_valid = compile_fast_check(schema)
        properties = schema.get("properties") or {}
        self._repeats = {
            name: (prop.get("x-sheet", ""), int(prop.get("x-first-row", 1)))
            for name, prop in properties.items()
            if isinstance(prop, Mapping) and prop.get("type") == "array"
        }

    def errors(self, data: Any) -> list[FieldError]:
        """Every problem in ``data`` (an empty list when it is valid)."""
        if self._certainly_valid is not None and self._certainly_valid(data):
            return []
        found: list[FieldError] = []
        for error in self._validator.iter_errors(data):
            found.extend(self._field_errors(error))
        return found

    def _field_errors(self, error: ValidationError) -> list[FieldError]:
        keyword = str(error.validator)
        if keyword == "required":
            missing = [p for p in error.validator_value if p not in error.instance]
            return (
                [
                    self._make(self._address(error) or p, DataCode.DV005)
                    for p in missing[:1]
                ]
                if missing
                else []
            )
        if keyword == "additionalProperties":
            allowed = (error.schema.get("properties") or {}).keys()
            return [
                self._make(str(extra), DataCode.DV006)
                for extra in error.instance
                if extra not in allowed
            ]
        return [self._keyword_error(error, keyword)]

    def _keyword_error(self, error: ValidationError, keyword: str) -> FieldError:
        where, value = self._address(error), error.validator_value
        simple: dict[str, tuple[DataCode, Callable[[], dict[str, str]]]] = {
            "minimum": (DataCode.DV001, lambda: {"limit": _number(value)}),
            "maximum": (DataCode.DV002, lambda: {"limit": _number(value)}),
            "exclusiveMinimum": (DataCode.DV010, lambda: {"limit": _number(value)}),
            "exclusiveMaximum": (DataCode.DV011, lambda: {"limit": _number(value)}),
            "multipleOf": (DataCode.DV012, lambda: {"limit": _number(value)}),
            "type": (DataCode.DV003, lambda: {"expected": _type_words(value)}),
            "enum": (DataCode.DV004, lambda: {"choices": ", ".join(map(str, value))}),
            "const": (DataCode.DV004, lambda: {"choices": str(value)}),
            "maxLength": (DataCode.DV007, lambda: {"limit": str(value)}),
            "minLength": (DataCode.DV008, lambda: {"limit": str(value)}),
            "format": (DataCode.DV009, lambda: {"format": str(value)}),
        }
        code, fields = simple.get(keyword, (DataCode.DV099, dict))
        return self._make(where, code, **fields())

    def _address(self, error: ValidationError) -> str:
        path = list(error.absolute_path)
        if not path:
            return ""
        head = str(path[0])
        if head in self._repeats and len(path) >= 3:  # noqa: PLR2004 - group, row, column
            sheet, first_row = self._repeats[head]
            return f"{sheet}!{path[2]}{first_row + int(path[1])}"
        return head

    @staticmethod
    def _make(where: str, code: DataCode, **fields: str) -> FieldError:
        return FieldError(
            where, code.name, code.format(where=where or "biểu mẫu", **fields)
        )


_validators: OrderedDict[int, tuple[Mapping[str, Any], DataValidator]] = OrderedDict()


def data_validator(schema: Mapping[str, Any]) -> DataValidator:
    """The cached :class:`DataValidator` of this schema object (keyed by identity)."""
    key = id(schema)
    entry = _validators.get(key)
    if entry is None or entry[0] is not schema:
        entry = (schema, DataValidator(schema))
        _validators[key] = entry
        if len(_validators) > _CACHE_SIZE:
            _validators.popitem(last=False)
    return entry[1]


def validate_data(schema: Mapping[str, Any], data: Any) -> list[FieldError]:
    """Every problem of ``data`` against the form's ``schema`` (cached validator)."""
    return data_validator(schema).errors(data)


def raise_for_data(schema: Mapping[str, Any], data: Any) -> None:
    """Raise :class:`DataValidationError` carrying every field error, if any."""
    errors = validate_data(schema, data)
    if errors:
        raise DataValidationError([(e.address, e.code, e.message) for e in errors])


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _type_words(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return " hoặc ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)
