"""The validation pre-check only ever says "valid" when jsonschema agrees."""

from __future__ import annotations

from typing import Any

from baocao.schemas._fast_check import compile_fast_check
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

PROPERTY_SCHEMAS = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["number", "integer"])},
        optional={
            "minimum": st.integers(-5, 5),
            "maximum": st.floats(-5, 5),
            "exclusiveMinimum": st.integers(-5, 5),
            "x-kind": st.just("decimal"),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "enum": st.lists(
                st.sampled_from(["Xã", "Phường", "1"]), min_size=1, unique=True
            ),
            "maxLength": st.integers(0, 4),
            "minLength": st.integers(0, 2),
            "format": st.just("date"),
        },
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["boolean", ["number", "null"]])}),
    st.fixed_dictionaries(
        {"type": st.just("array"), "items": st.just({"type": "number"})}
    ),
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.integers(-(10**400), 10**400),
    st.floats(-10, 10),
    st.sampled_from(["Xã", "Phường", "1", "", "2026-02-30", "2026-02-28", "abcde"]),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
NAMES = ["S!A1", "S!B2", "S!C3"]


@settings(max_examples=400, deadline=None)
@given(
    properties=st.dictionaries(st.sampled_from(NAMES), PROPERTY_SCHEMAS, min_size=1),
    required=st.lists(st.sampled_from(NAMES), unique=True, max_size=2),
    extra=st.booleans(),
    data=st.dictionaries(st.sampled_from([*NAMES, "S!Z9"]), VALUES, max_size=4),
)
def test_certainly_valid_implies_jsonschema_valid(
    properties: dict[str, Any], required: list[str], extra: bool, data: dict[str, Any]
) -> None:
    schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": extra,
    }
    check = compile_fast_check(schema)
    assert check is not None
    valid = Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(data)
    if check(data):
        assert valid
    if valid and all(
        isinstance(v, str | bool | int | float) or v is None for v in data.values()
    ):
        assert (
            check(data)
            or any(p.get("type") == "array" for p in properties.values())
            or any("enum" in p for p in properties.values())
        )


def test_unknown_keywords_disable_the_shortcut() -> None:
    assert compile_fast_check({"type": "object", "properties": {}, "$defs": {}}) is None
    assert (
        compile_fast_check(
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/x"}}}
        )
        is None
    )
