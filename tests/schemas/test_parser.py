"""parse_formula: the AST, references, function names and FX error codes."""

from __future__ import annotations

from pathlib import Path

import formulas
import openpyxl
import pytest
from baocao.schemas import (
    SUPPORTED_FUNCTIONS,
    Binary,
    Call,
    FormulaCode,
    FormulaError,
    Missing,
    Number,
    Ref,
    Text,
    Unary,
    dependencies,
    function_names,
    parse_formula,
    references,
)
from baocao.schemas.formula_ast import MAX_COL, MAX_ROW
from support import SHARED, require


def test_precedence_follows_excel() -> None:
    """-2^2 is 4 in Excel: negation binds tighter than ^; & below +."""
    assert parse_formula("=-2^2", "S") == Binary("^", Unary("-", Number(2)), Number(2))
    node = parse_formula('=1+2*3&"x"', "S")
    assert node == Binary(
        "&", Binary("+", Number(1), Binary("*", Number(2), Number(3))), Text("x")
    )
    assert parse_formula("=A1%", "S") == Unary("%", Ref("S", 1, 1, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=D7", Ref("Biểu 01", 7, 4, 7, 4)),
        ("=$B$2:c3", Ref("Biểu 01", 2, 2, 3, 3)),
        ("=B3:A1", Ref("Biểu 01", 1, 1, 3, 2)),
        ("='Thu chi NS'!C8", Ref("Thu chi NS", 8, 3, 8, 3)),
        ("='It''s'!A1", Ref("It's", 1, 1, 1, 1)),
        ("=A:B", Ref("Biểu 01", 1, 1, MAX_ROW, 2, whole_column=True)),
        ("=3:4", Ref("Biểu 01", 3, 1, 4, MAX_COL, whole_row=True)),
        ("=[1]Data!A1", Ref("Data", 1, 1, 1, 1, workbook="[1]")),
        (
            "='C:\\x\\[Book.xlsx]S 1'!B2",
            Ref("S 1", 2, 2, 2, 2, workbook="C:\\x\\[Book.xlsx]"),
        ),
    ],
    ids=[
        "cell",
        "absolute",
        "reversed",
        "quoted-sheet",
        "quote-in-name",
        "whole-column",
        "whole-row",
        "external-index",
        "external-path",
    ],
)
def test_references(text: str, expected: Ref) -> None:
    assert references(parse_formula(text, "Biểu 01")) == (expected,)


def test_function_names_strip_xlfn_and_keep_missing_arguments() -> None:
    node = parse_formula('=_xlfn.IFS(A1>1,"a",TRUE,"b")+IF(A1,,SUM(B1:B2))', "S")
    assert function_names(node) == {"IFS", "IF", "SUM"}
    assert isinstance(node, Binary) and isinstance(node.right, Call)
    assert node.right.args[1] == Missing()


def test_dependencies_expand_ranges() -> None:
    node = parse_formula("=SUM(B1:C2)+'X Y'!A1", "S")
    assert dependencies(node) == ("S!B1", "S!B2", "S!C1", "S!C2", "X Y!A1")


def test_sheet_names_are_matched_case_insensitively_when_known() -> None:
    node = parse_formula("='thu CHI ns'!C8", "S", sheets=["S", "Thu chi NS"])
    assert references(node)[0].sheet == "Thu chi NS"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("=", FormulaCode.FX001),
        ("=1+", FormulaCode.FX001),
        ("=A1 B1", FormulaCode.FX001),
        ("=(1", FormulaCode.FX002),
        ("=SUM(A1", FormulaCode.FX002),
        ("=1)", FormulaCode.FX002),
        ("={1,2}", FormulaCode.FX004),
        ("=SUM(1;2)", FormulaCode.FX004),
        ("=(A1,B1)", FormulaCode.FX004),
        ("=XFE1", FormulaCode.FX005),
        ("=A1048577", FormulaCode.FX005),
        ("=" + "(" * 300 + "1" + ")" * 300, FormulaCode.FX006),
        ("=" + "1+" * 5000 + "1", FormulaCode.FX006),
        ("=Nope!A1", FormulaCode.FX007),
    ],
    ids=[
        "empty",
        "dangling-operator",
        "intersection",
        "open-paren",
        "open-call",
        "extra-paren",
        "array-constant",
        "semicolon",
        "union",
        "column-too-far",
        "row-too-far",
        "too-deep",
        "too-long",
        "unknown-sheet",
    ],
)
def test_errors_carry_a_stable_code(text: str, code: FormulaCode) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text, "S", cell="B2", sheets=["S"])
    assert info.value.code == code.name
    assert info.value.message.startswith("[S!B2]")


def test_unsupported_function_is_parsed_for_the_compiler_to_report() -> None:
    """The parser accepts any name; SUPPORTED_FUNCTIONS is what the engine runs."""
    names = function_names(parse_formula("=INDIRECT(A1)+SUM(1)", "S"))
    assert names - SUPPORTED_FUNCTIONS == {"INDIRECT"}


def _template_formulas() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(Path(SHARED, "templates").glob("*.xlsx")):
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                found.extend(
                    (sheet.title, c.coordinate, c.value)
                    for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")
                )
    return found


def test_references_agree_with_the_formulas_library() -> None:
    """Cross-check against formulas.Parser on every formula of the shared templates."""
    require((SHARED / "templates").is_dir(), "the shared templates")
    checked = 0
    for sheet, cell, text in _template_formulas():
        tokens, _ = formulas.Parser().ast(text)
        theirs = sorted(
            t.attr["name"].split("!")[-1] for t in tokens if type(t).__name__ == "Range"
        )
        ours = sorted(
            r.address.split("!")[-1] for r in references(parse_formula(text, sheet))
        )
        assert ours == theirs, f"{sheet}!{cell} {text}"
        ours_fn = {t.name.upper() for t in tokens if type(t).__name__ == "Function"}
        assert function_names(parse_formula(text, sheet)) == ours_fn
        checked += 1
    assert checked > 100
