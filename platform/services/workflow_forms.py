"""Validate and recompute a submission's data with its regime's form version.

The form store registers a loader ``(form_id, version) -> CompiledForm`` in
``app.extensions["baocao_form_loader"]`` (see ``services.aggregation``). With
it, a save is checked against the version's JSON Schema (field-level errors in
Vietnamese, never the library's text) and the Calculator fills ``computed``.
Without it (no form store yet, or a narrative-only regime) data is stored as is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from baocao.schemas import Calculator, CompiledForm
from jsonschema import Draft202012Validator, ValidationError

FormLoader = Callable[[str, int | None], CompiledForm]
Compute = Callable[[dict[str, Any]], tuple[dict[str, Any], list[dict[str, Any]]]]

_CACHE: dict[tuple[str, int | None, str], tuple[Draft202012Validator, Calculator]] = {}
_LOCK = threading.Lock()

#: Vietnamese wording per JSON Schema keyword.
_MESSAGES = {
    "type": "Sai kiểu dữ liệu: cần {expected}",
    "minimum": "Giá trị phải lớn hơn hoặc bằng {expected}",
    "exclusiveMinimum": "Giá trị phải lớn hơn {expected}",
    "maximum": "Giá trị phải nhỏ hơn hoặc bằng {expected}",
    "exclusiveMaximum": "Giá trị phải nhỏ hơn {expected}",
    "enum": "Giá trị phải thuộc danh sách cho phép",
    "maxLength": "Nội dung dài quá {expected} ký tự",
    "minLength": "Nội dung phải có ít nhất {expected} ký tự",
    "required": "Ô bắt buộc phải nhập",
    "additionalProperties": "Ô không thuộc biểu mẫu",
    "format": "Sai định dạng ({expected})",
}
_TYPES = {
    "number": "số",
    "integer": "số nguyên",
    "string": "chữ",
    "boolean": "đúng/sai",
}


def _parts(
    form_id: str, version: int | None, compiled: CompiledForm
) -> tuple[Draft202012Validator, Calculator]:
    key = (form_id, version, compiled.source_sha256)
    with _LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = (Draft202012Validator(compiled.schema), Calculator(compiled))
            _CACHE[key] = found
        return found


def field_errors(
    validator: Draft202012Validator, data: dict[str, Any]
) -> list[dict[str, Any]]:
    """Every schema violation as ``{"cell", "code", "message"}``, in Vietnamese."""
    ordered = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [_describe(error) for error in ordered]


def _describe(error: ValidationError) -> dict[str, Any]:
    path = [str(p) for p in error.absolute_path]
    cell = path[0] if path else ""
    expected: Any = error.validator_value
    if error.validator == "required":
        missing = [
            name for name in error.validator_value if name not in (error.instance or {})
        ]
        cell = missing[0] if missing else cell
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        cell = extra[0] if extra else cell
    if error.validator == "type":
        names = expected if isinstance(expected, list) else [expected]
        expected = " hoặc ".join(_TYPES.get(str(n), str(n)) for n in names)
    template = _MESSAGES.get(str(error.validator), "Giá trị không hợp lệ")
    return {
        "cell": cell,
        "code": str(error.validator),
        "message": template.format(expected=expected),
    }


def compute_for(regime: Any, loader: FormLoader | None) -> Compute | None:
    """The validator + Calculator of the regime's form version, or None."""
    if loader is None or not regime.form_id:
        return None
    try:
        compiled = loader(regime.form_id, regime.form_version)
    except LookupError:
        return None
    if compiled is None:
        return None
    validator, calculator = _parts(regime.form_id, regime.form_version, compiled)

    def compute(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        errors = field_errors(validator, data)
        if errors:
            return {}, errors
        return dict(calculator.calculate(data)), []

    return compute
