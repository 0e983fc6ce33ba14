"""validate_data: field errors by cell, in Vietnamese; the formulas meta-schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from baocao.form_designer import compile_workbook
from baocao.schemas import (
    Calculator,
    CompiledForm,
    DataCode,
    DataValidationError,
    FieldError,
    check_document,
    data_validator,
    meta_schema,
    raise_for_data,
    validate_data,
)

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["Biểu 01!D7"],
    "properties": {
        "Biểu 01!D7": {"type": "number", "minimum": 0, "maximum": 100},
        "Biểu 01!E7": {"type": "integer"},
        "Biểu 01!F7": {"type": "string", "enum": ["Xã", "Phường"], "maxLength": 10},
        "Biểu 01!G7": {"type": "string", "format": "date"},
        "du_an": {
            "type": "array",
            "x-repeat": "du_an",
            "x-sheet": "Dự án",
            "x-first-row": 10,
            "x-last-row": 12,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "B": {"type": "string"},
                    "D": {"type": "number", "minimum": 0},
                },
            },
        },
    },
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"Biểu 01!D7": -1}, ("Biểu 01!D7", DataCode.DV001, {"limit": "0"})),
        ({"Biểu 01!D7": 101}, ("Biểu 01!D7", DataCode.DV002, {"limit": "100"})),
        (
            {"Biểu 01!D7": 1, "Biểu 01!E7": 1.5},
            ("Biểu 01!E7", DataCode.DV003, {"expected": "số nguyên"}),
        ),
        (
            {"Biểu 01!D7": 1, "Biểu 01!F7": "Huyện"},
            ("Biểu 01!F7", DataCode.DV004, {"choices": "Xã, Phường"}),
        ),
        ({}, ("Biểu 01!D7", DataCode.DV005, {})),
        ({"Biểu 01!D7": 1, "Biểu 01!Z9": 1}, ("Biểu 01!Z9", DataCode.DV006, {})),
        (
            {"Biểu 01!D7": 1, "Biểu 01!G7": "31/02/2026"},
            ("Biểu 01!G7", DataCode.DV009, {"format": "date"}),
        ),
        (
            {"Biểu 01!D7": 1, "du_an": [{"D": 1}, {"B": "x", "D": -5}]},
            ("Dự án!D11", DataCode.DV001, {"limit": "0"}),
        ),
    ],
    ids=[
        "minimum",
        "maximum",
        "integer",
        "enum",
        "required",
        "not-an-input",
        "date",
        "repeat-row",
    ],
)
def test_one_error_per_problem_with_a_vietnamese_message(data, expected) -> None:
    address, code, fields = expected
    assert validate_data(SCHEMA, data) == [
        FieldError(address, code.name, code.format(where=address, **fields))
    ]


def test_message_reads_like_the_design() -> None:
    (error,) = validate_data(SCHEMA, {"Biểu 01!D7": -3})
    assert error.message == "[Biểu 01!D7] Giá trị phải ≥ 0."


def test_valid_data_and_every_error_collected() -> None:
    assert validate_data(SCHEMA, {"Biểu 01!D7": 5, "Biểu 01!F7": "Xã"}) == []
    with pytest.raises(DataValidationError) as info:
        raise_for_data(SCHEMA, {"Biểu 01!D7": -1, "Biểu 01!E7": "x"})
    assert [e["cell"] for e in info.value.to_dict()["errors"]] == [
        "Biểu 01!D7",
        "Biểu 01!E7",
    ]


def test_validator_is_cached_per_schema_object() -> None:
    assert data_validator(SCHEMA) is data_validator(SCHEMA)
    assert data_validator(dict(SCHEMA)) is not data_validator(SCHEMA)


def test_meta_schema_ships_with_the_package() -> None:
    assert meta_schema("formulas")["$id"].endswith("/formulas/v1")
    assert check_document("formulas", {"version": 1}) != []


def test_compiled_shared_templates_pass_the_formulas_meta_schema(
    shared_dir: Path,
) -> None:
    for path in sorted((shared_dir / "templates").glob("*.xlsx")):
        compiled = compile_workbook(path.read_bytes())
        assert check_document("formulas", compiled.formulas) == [], path.name


def test_calculator_reads_repeat_groups_as_rows() -> None:
    formulas = {
        "version": 1,
        "order": ["Dự án!D13"],
        "constants": {},
        "inputs": {},
        "cells": {"Dự án!D13": {"formula": "=SUM(D10:D12)", "deps": []}},
    }
    calc = Calculator(CompiledForm(schema=SCHEMA, layout={}, formulas=formulas))
    assert calc.calculate({"du_an": [{"D": 1}, {"D": 2.5}]}) == {"Dự án!D13": 3.5}
    assert calc.update({"du_an": [{"D": 4}]}) == {"Dự án!D13": 4}
    with pytest.raises(DataValidationError):
        calc.update({"du_an": [{"D": 1}] * 4})
