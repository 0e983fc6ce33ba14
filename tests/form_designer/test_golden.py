"""Golden files: each fixture template compiles to its committed documents.

Regenerate with ``python tests/fixtures/regenerate_compiler_golden.py`` and
review the diff (STYLE.md §9). Compared key by key so a failure names the key.
"""

from __future__ import annotations

import json

import pytest
from baocao.form_designer import compile_workbook
from support import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
CASES = sorted(p.stem for p in (FIXTURES / "xlsx").glob("*.xlsx"))
PARTS = ("schema", "layout", "formulas")


def _diff(expected, actual, path="$"):
    """First differing path between two JSON values, or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in list(expected) + [k for k in actual if k not in expected]:
            if key not in expected or key not in actual:
                return f"{path}.{key}: missing on one side"
            found = _diff(expected[key], actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items expected, {len(actual)} found"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = _diff(e, a, f"{path}[{i}]")
            if found:
                return found
        return None
    return (
        None if expected == actual else f"{path}: expected {expected!r}, got {actual!r}"
    )


def test_there_are_fixtures() -> None:
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_fixture_matches_golden_files(case, validate_compiled) -> None:
    compiled = compile_workbook((FIXTURES / "xlsx" / f"{case}.xlsx").read_bytes())
    validate_compiled(compiled)
    for part in PARTS:
        expected = json.loads(
            (FIXTURES / "expected" / f"{case}.{part}.json").read_text("utf-8")
        )
        assert _diff(expected, getattr(compiled, part)) is None, part
        assert list(expected) == list(
            getattr(compiled, part)
        )  # key order is part of the output
