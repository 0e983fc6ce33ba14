"""Hostile template text: nothing is executed, every failure is a clean FormulaError.

Template authors control formula text and sheet names. The engine never passes
either to eval/exec/compile/__import__ (they are booby-trapped here while
parsing, compiling and evaluating), and any text yields either a result or a
:class:`FormulaError` with a code, never another exception.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from baocao.schemas import Calculator, CompiledForm, FormulaError, parse_formula
from hypothesis import given, settings
from hypothesis import strategies as st

TOKENS = [
    "=",
    "+",
    "-",
    "*",
    "/",
    "^",
    "&",
    "%",
    "(",
    ")",
    ",",
    ";",
    ":",
    "!",
    "'",
    '"',
    "$",
    "<",
    ">",
    "<=",
    "<>",
    "{",
    "}",
    "[",
    "]",
    "#",
    "A1",
    "B2:C3",
    "A:A",
    "1:1",
    "XFD9",
    "Sheet1!",
    "'a b'!",
    "[1]",
    "SUM(",
    "IF(",
    "IFERROR(",
    "INDEX(",
    "__import__(",
    "exec(",
    "eval(",
    "os.system(",
    "lambda",
    "\n",
    " ",
    "1e308",
    "9" * 400,
    "0.5",
    "TRUE",
    "#DIV/0!",
    "#REF!",
    '"x"',
    "__class__",
    "._",
    "\\",
    "\x00",
    "🙂",
    "Ỹ",
]
SHEET_NAMES = st.text(min_size=1, max_size=40).filter(lambda s: "!" not in s)
FORMULAS = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=40).map(lambda t: "=" + "".join(t)),
    st.text(max_size=200),
)


@contextmanager
def no_code_execution() -> Iterator[None]:
    """Fail if our code calls eval/exec/compile or imports os-like modules inside."""

    def trap(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("template text reached a code-execution builtin")

    real_import = builtins.__import__

    def guarded_import(name: str, *args: object, **kwargs: object) -> object:
        if name in {"os", "subprocess", "shutil", "socket"}:
            raise AssertionError(f"import of {name} during evaluation")
        return real_import(name, *args, **kwargs)

    saved = {name: getattr(builtins, name) for name in ("eval", "exec", "compile")}
    try:
        for name in saved:
            setattr(builtins, name, trap)
        builtins.__import__ = guarded_import
        yield
    finally:
        for name, original in saved.items():
            setattr(builtins, name, original)
        builtins.__import__ = real_import


def _form(sheet: str, formula: str) -> CompiledForm:
    address = f"{sheet}!B2"
    document = {
        "version": 1,
        "cells": {address: {"formula": formula, "deps": []}},
        "order": [address],
        "constants": {},
        "inputs": {},
    }
    return CompiledForm(schema={}, layout={}, formulas=document)


@settings(max_examples=300, deadline=None)
@given(formula=FORMULAS, sheet=SHEET_NAMES)
def test_any_text_parses_or_fails_cleanly(formula: str, sheet: str) -> None:
    try:
        with no_code_execution():
            parse_formula(formula, sheet)
    except FormulaError as err:
        assert err.code.startswith("FX") and err.message


@settings(max_examples=300, deadline=None)
@given(
    formula=FORMULAS,
    sheet=SHEET_NAMES,
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.floats(allow_nan=False),
        st.integers(-(10**30), 10**30),
        st.text(max_size=20),
    ),
)
def test_any_formula_evaluates_or_fails_cleanly(
    formula: str, sheet: str, value: object
) -> None:
    inputs = {f"{sheet}!A1": value, f"{sheet}!B3": value, f"{sheet}!C3": value}
    try:
        with no_code_execution():
            result = Calculator(_form(sheet, formula)).calculate(inputs)
    except FormulaError as err:
        assert err.code.startswith("FX")
        return
    assert list(result) == [f"{sheet}!B2"]
    json.dumps(result, allow_nan=False)


@pytest.mark.parametrize(
    "formula",
    [
        '=__import__("os").system("touch PWNED")',
        '=EXEC("import os")',
        "='x'!A1+__class__",
        "=A1)+__import__('os')#",
        '="a"&"\\"); import os; ("',
        "=" + "(" * 150 + "1" + ")" * 150,
        "=" + "-" * 500 + "1",
        "=1e309",
        "=" + "9" * 5000,
    ],
    ids=[
        "import",
        "exec",
        "dunder",
        "break-out",
        "quote-escape",
        "deep-parens",
        "deep-unary",
        "overflow-literal",
        "huge-literal",
    ],
)
def test_known_attacks_are_rejected(
    formula: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        with no_code_execution():
            Calculator(_form("S", formula)).calculate({})
    except FormulaError as err:
        assert err.code.startswith("FX")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "sheet",
    ["It's", "a'!b", "x\ny", "=SUM(", "__import__", "'"],
    ids=["quote", "bang", "newline", "formula-like", "dunder", "lone"],
)
def test_hostile_sheet_names_are_only_data(sheet: str) -> None:
    quoted = "'" + sheet.replace("'", "''") + "'"
    try:
        with no_code_execution():
            form = _form("S", f"={quoted}!A1*2")
            result = Calculator(form).calculate({f"{sheet}!A1": 4})
    except FormulaError as err:
        assert err.code.startswith("FX")
    else:
        assert result == {"S!B2": 8}
