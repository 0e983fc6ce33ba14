"""Stage 5a: FormModel → ``schema`` (JSON Schema 2020-12 of submitted data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from baocao.form_designer._grid import column_letters
from baocao.form_designer.model import Field, FieldKind, FormModel

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _number(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "number"}
    if field.minimum is not None:
        out["minimum"] = field.minimum
    if field.maximum is not None:
        out["maximum"] = field.maximum
    return out


def _integer(field: Field) -> dict[str, Any]:
    return {**_number(field), "type": "integer"}


def _text(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if field.max_length is not None:
        out["maxLength"] = field.max_length
    return out


def _choice(field: Field) -> dict[str, Any]:
    if not field.options:
        return {"type": "string"}
    return {"type": "string", "enum": list(field.options)}


#: JSON Schema fragment of each kind (a registry, not an if/elif chain).
KIND_SCHEMAS: dict[FieldKind, Callable[[Field], dict[str, Any]]] = {
    FieldKind.INTEGER: _integer,
    FieldKind.DECIMAL: _number,
    FieldKind.PERCENT: _number,
    FieldKind.DATE: lambda f: {"type": "string", "format": "date"},
    FieldKind.TEXT: _text,
    FieldKind.CHOICE: _choice,
    FieldKind.BOOLEAN: lambda f: {"type": "boolean"},
    FieldKind.NARRATIVE: lambda f: {"type": "string", "contentMediaType": "text/html"},
}


def field_schema(field: Field) -> dict[str, Any]:
    """The property schema of one input cell."""
    out = KIND_SCHEMAS[field.kind](field)
    out["title"] = field.title
    out["x-cell"] = field.source.address
    out["x-kind"] = field.kind.value
    out["x-aggregate"] = field.aggregate
    if field.indicator:
        out["x-indicator"] = field.indicator
    return out


def _repeat_property(
    model: FormModel, name: str, fields: list[Field]
) -> dict[str, Any]:
    group = next(r for r in model.repeats if r.name == name)
    first = [f for f in fields if f.row == group.first_row] or fields
    columns = {
        column_letters(f.col): field_schema(f)
        for f in sorted(first, key=lambda f: f.col)
    }
    return {
        "type": "array",
        "title": name,
        "x-repeat": name,
        "x-sheet": group.sheet,
        "x-first-row": group.first_row,
        "x-last-row": group.last_row,
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": columns,
        },
    }


def emit_schema(model: FormModel, form_id: str) -> dict[str, Any]:
    """Build the ``schema`` document (see docs/compiled_form.md).

    :param model: the parsed form.
    :param form_id: stable id used in ``$id`` (the source's sha256).
    """
    properties: dict[str, Any] = {}
    grouped: dict[str, list[Field]] = {}
    for field in model.fields:
        if field.repeat is None:
            properties[field.source.address] = field_schema(field)
        else:
            if field.repeat not in grouped:
                properties[field.repeat] = None  # keeps the group at its first cell
            grouped.setdefault(field.repeat, []).append(field)
    for name, fields in grouped.items():
        properties[name] = _repeat_property(model, name, fields)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:baocao:form:{form_id}",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": [],
    }
