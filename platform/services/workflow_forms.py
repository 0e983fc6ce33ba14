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

from baocao.schemas import Calculator, CompiledForm, DataValidator

FormLoader = Callable[[str, int | None], CompiledForm]
Compute = Callable[[dict[str, Any]], tuple[dict[str, Any], list[dict[str, Any]]]]

_CACHE: dict[tuple[str, int | None, str], tuple[DataValidator, Calculator]] = {}
_LOCK = threading.Lock()


def _parts(
    form_id: str, version: int | None, compiled: CompiledForm
) -> tuple[DataValidator, Calculator]:
    key = (form_id, version, compiled.source_sha256)
    with _LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = (DataValidator(compiled.schema), Calculator(compiled))
            _CACHE[key] = found
        return found


def field_errors(validator: DataValidator, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every schema violation as ``{"cell", "code", "message"}``, in Vietnamese.

    The wording and codes are the engine's (``baocao.schemas.validation``), so
    the API, the entry page and the CLI say the same thing about a cell.
    """
    return [
        {"cell": error.address, "code": error.code, "message": error.message}
        for error in validator.errors(data)
    ]


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
        # The cached Calculator keeps its values in itself: two saves of the
        # same form version at once would mix each other's cells.
        with _LOCK:
            return dict(calculator.calculate(data)), []

    return compute


def recalculate(
    regime: Any,
    loader: FormLoader | None,
    data: dict[str, Any],
    changed: dict[str, Any],
) -> dict[str, Any]:
    """What the entry grid shows after ``changed``: changed formula cells and errors.

    Reuses the cached Calculator of the regime's form version. It keeps state
    between ``calculate`` and ``update``, so both run under the cache lock:
    the state before the change is ``data`` without the changed keys.
    ``errors`` maps a cell to its Vietnamese messages (the grid's shape); a
    changed cell without errors maps to ``[]`` so the grid clears its mark.
    Blank inputs (None or "") count as absent, as in a save.
    """
    result: dict[str, Any] = {"computed": {}, "errors": {}}
    if loader is None or not regime.form_id:
        return result
    try:
        compiled = loader(regime.form_id, regime.form_version)
    except LookupError:
        return result
    if compiled is None:
        return result
    validator, calculator = _parts(regime.form_id, regime.form_version, compiled)
    filled = {k: v for k, v in {**data, **changed}.items() if v not in (None, "")}
    errors: dict[str, list[str]] = {key: [] for key in changed}
    for error in field_errors(validator, filled):
        errors.setdefault(error["cell"], []).append(error["message"])
    result["errors"] = errors
    if any(errors.values()):
        return result
    before = {k: v for k, v in filled.items() if k not in changed}
    changed = {k: None if v == "" else v for k, v in changed.items()}
    with _LOCK:
        calculator.calculate(before)
        result["computed"] = calculator.update(changed)
    return result
