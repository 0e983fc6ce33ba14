"""Tokenizer and precedence-climbing parser for Excel formulas.

Why our own and not ``formulas.Parser``: that parser builds a schedula
dispatcher for every formula (about 10 ms each), upper-cases sheet names and
evaluates number literals with ``eval``; a 5,000-cell template would take a
minute to parse. This one is a single regular expression plus a small
recursive-descent parser with hard limits on length and nesting, so hostile
template text can only ever produce a :class:`FormulaError`. The test suite
checks it against ``formulas.Parser`` on every template formula.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import NoReturn

from baocao.schemas.codes import FormulaCode, FormulaError
from baocao.schemas.formula_ast import (
    MAX_COL,
    MAX_ROW,
    Binary,
    Bool,
    Call,
    ErrorLiteral,
    Missing,
    Name,
    Node,
    Number,
    Ref,
    Text,
    Unary,
    column_index,
)

MAX_LENGTH = 8192
"""Excel's own limit on formula length, in characters."""
MAX_DEPTH = 100
"""Nesting limit (parentheses, calls, operators); Excel allows 64 nested calls."""

_SHOWN = 80  # characters of the formula quoted in messages
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")

_SHEET = r"""(?P<sheet>'(?:[^']|'')+'|(?:\[[^\]]+\])?[^\W\d][\w.]*|\[\d+\][\w.]+)!"""
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
    |(?P<string>"(?:[^"]|"")*")
    |(?P<error>(?:{_SHEET.replace("sheet", "esheet")})?
        \#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA))
    |(?P<func>(?:_xlfn\.|_xlws\.)?[A-Za-z_][\w.]*)(?=\s*\()
    |(?:{_SHEET})?(?:
        \$?(?P<c1>[A-Za-z]{{1,3}})\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Za-z]{{1,3}})\$?(?P<r2>\d+))?
        |\$?(?P<cc1>[A-Za-z]{{1,3}}):\$?(?P<cc2>[A-Za-z]{{1,3}})
        |\$?(?P<rr1>\d+):\$?(?P<rr2>\d+)
      )(?![\w.(!])
    |(?P<bool>TRUE|FALSE)(?![\w.(])
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<name>[^\W\d][\w.]*)
    |(?P<op><=|>=|<>|[-+*/^&=<>%])
    |(?P<punct>[(),])
    """,
    re.VERBOSE | re.IGNORECASE,
)

#: Binary operators → binding power; all are left-associative in Excel.
_BINARY = {
    "=": 1,
    "<>": 1,
    "<": 1,
    ">": 1,
    "<=": 1,
    ">=": 1,
    "&": 2,
    "+": 3,
    "-": 3,
    "*": 4,
    "/": 4,
    "^": 5,
}
_PREFIX_POWER = 6  # -2^2 is 4 in Excel: negation binds tighter than ^


class _Token:
    __slots__ = ("groups", "kind", "pos", "text")

    def __init__(self, kind: str, text: str, pos: int, groups: dict[str, str | None]):
        self.kind, self.text, self.pos, self.groups = kind, text, pos, groups


_END = _Token("end", "", -1, {})


def _tokenize(text: str, fail: _Fail) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            char = text[pos]
            if char in "{};[@#:":
                fail.unsupported(f"ký tự '{char}'", pos)
            fail.syntax(f"ký tự không hợp lệ '{char}'", pos)
        kind = match.lastgroup or "ref"
        if kind in {"c1", "r1", "c2", "r2", "cc1", "cc2", "rr1", "rr2", "sheet"}:
            kind = "ref"
        if kind != "ws":
            tokens.append(_Token(kind, match.group(0), pos, match.groupdict()))
        pos = match.end()
    return tokens


class _Fail:
    """Raises the right :class:`FormulaError` with the formula's context."""

    def __init__(self, formula: str, where: str) -> None:
        self.formula, self.where = formula, where

    def syntax(self, detail: str, pos: int) -> NoReturn:
        raise FormulaError(
            FormulaCode.FX001,
            where=self.where,
            position=pos,
            formula=self.formula,
            detail=detail,
        )

    def unsupported(self, detail: str, pos: int) -> NoReturn:
        raise FormulaError(
            FormulaCode.FX004,
            where=self.where,
            position=pos,
            formula=self.formula,
            detail=detail,
        )

    def raise_code(self, code: FormulaCode, pos: int, **fields: str) -> NoReturn:
        raise FormulaError(code, where=self.where, position=pos, **fields)


class _Parser:
    def __init__(
        self,
        tokens: list[_Token],
        sheet: str,
        sheets: dict[str, str] | None,
        fail: _Fail,
    ) -> None:
        self.tokens, self.index, self.sheet = tokens, 0, sheet
        self.sheets, self.fail = sheets, fail

    def peek(self) -> _Token:
        return self.tokens[self.index] if self.index < len(self.tokens) else _END

    def take(self) -> _Token:
        token = self.peek()
        self.index += 1
        return token

    def expression(self, min_power: int, depth: int) -> Node:
        if depth > MAX_DEPTH:
            self.fail.raise_code(
                FormulaCode.FX006,
                self.peek().pos,
                detail=f"quá {MAX_DEPTH} mức lồng nhau",
            )
        left = self.prefix(depth)
        while True:
            token = self.peek()
            if token.kind != "op":
                return left
            if token.text == "%":
                self.take()
                left = Unary("%", left)
                continue
            power = _BINARY[token.text]
            if power < min_power:
                return left
            self.take()
            right = self.expression(power + 1, depth + 1)
            left = Binary(token.text, left, right)

    def prefix(self, depth: int) -> Node:  # noqa: PLR0911, PLR0912 - one case per token kind
        token = self.take()
        kind = token.kind
        if kind == "op" and token.text in "+-":
            return Unary(token.text, self.expression(_PREFIX_POWER, depth + 1))
        if kind == "number":
            value = float(token.text)
            if math.isinf(value):
                self.fail.syntax("số quá lớn", token.pos)
            return Number(value)
        if kind == "string":
            return Text(token.text[1:-1].replace('""', '"'))
        if kind == "bool":
            return Bool(token.text.upper() == "TRUE")
        if kind == "error":
            return ErrorLiteral(token.text[token.text.rindex("#") :].upper())
        if kind == "ref":
            return self.reference(token)
        if kind == "func":
            return self.call(token, depth)
        if kind == "name":
            return Name(token.text)
        if token.text == "(":
            inner = self.expression(0, depth + 1)
            closing = self.take()
            if closing.text == ",":
                self.fail.unsupported("hợp vùng (A1,B1)", closing.pos)
            if closing.text != ")":
                self.fail.raise_code(
                    FormulaCode.FX002, closing.pos, formula=self.fail.formula
                )
            return inner
        if kind == "end":
            self.fail.syntax("công thức kết thúc đột ngột", len(self.fail.formula))
        self.fail.syntax(f"không mong đợi '{token.text}'", token.pos)
        raise AssertionError  # unreachable: fail.* always raises

    def call(self, token: _Token, depth: int) -> Node:
        name = token.text.upper()
        for prefix in ("_XLFN.", "_XLWS."):
            name = name.removeprefix(prefix)
        self.take()  # the "(" guaranteed by the token's lookahead
        args: list[Node] = []
        if self.peek().text == ")":
            self.take()
            return Call(name, ())
        while True:
            if self.peek().text in {",", ")"} and self.peek().kind == "punct":
                args.append(Missing())
            else:
                args.append(self.expression(0, depth + 1))
            sep = self.take()
            if sep.text == ")":
                return Call(name, tuple(args))
            if sep.text != ",":
                if sep.kind == "end":
                    self.fail.raise_code(
                        FormulaCode.FX002, sep.pos, formula=self.fail.formula
                    )
                self.fail.syntax(
                    f"không mong đợi '{sep.text}' trong hàm {name}", sep.pos
                )

    def reference(self, token: _Token) -> Ref:
        g = token.groups
        sheet, workbook = self.resolve_sheet(g["sheet"], token.pos)
        if g["c1"]:
            c1, r1 = column_index(g["c1"]), int(g["r1"] or 0)
            c2, r2 = (column_index(g["c2"]), int(g["r2"] or 0)) if g["c2"] else (c1, r1)
            whole_col = whole_row = False
        elif g["cc1"]:
            c1, c2, r1, r2 = (
                column_index(g["cc1"]),
                column_index(g["cc2"] or ""),
                1,
                MAX_ROW,
            )
            whole_col, whole_row = True, False
        else:
            r1, r2, c1, c2 = int(g["rr1"] or 0), int(g["rr2"] or 0), 1, MAX_COL
            whole_col, whole_row = False, True
        if not (
            0 < min(r1, r2)
            and max(r1, r2) <= MAX_ROW
            and 0 < min(c1, c2)
            and max(c1, c2) <= MAX_COL
        ):
            self.fail.raise_code(FormulaCode.FX005, token.pos, ref=token.text)
        return Ref(
            sheet,
            min(r1, r2),
            min(c1, c2),
            max(r1, r2),
            max(c1, c2),
            whole_col,
            whole_row,
            workbook,
        )

    def resolve_sheet(self, written: str | None, pos: int) -> tuple[str, str | None]:
        if not written:
            return self.sheet, None
        name = written[:-1] if written.endswith("!") else written
        if name.startswith("'"):
            name = name[1:-1].replace("''", "'")
        workbook = None
        if "[" in name and "]" in name:
            end = name.rindex("]")
            workbook, name = name[: end + 1], name[end + 1 :]
            return name, workbook
        if self.sheets is not None:
            canonical = self.sheets.get(name.casefold())
            if canonical is None:
                self.fail.raise_code(FormulaCode.FX007, pos, sheet=name)
                raise AssertionError  # unreachable
            name = canonical
        return name, workbook


def parse_formula(
    text: str,
    sheet: str,
    *,
    cell: str | None = None,
    sheets: Iterable[str] | None = None,
) -> Node:
    """Parse one formula into a frozen AST (:mod:`baocao.schemas.formula_ast`).

    :param text: the formula as stored in the sheet, with or without the ``=``.
    :param sheet: the sheet holding the formula; unqualified references use it.
    :param cell: the formula's cell (``D7``), only used in error messages.
    :param sheets: the workbook's sheet names; when given, sheet names in
        references are matched case-insensitively and unknown ones are rejected.
    :raises FormulaError: FX001 syntax, FX002 parentheses, FX004 unsupported
        syntax, FX005 reference out of the sheet, FX006 too long/deep, FX007
        unknown sheet.
    """
    where = f"{sheet}!{cell}" if cell else sheet
    fail = _Fail(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...", where)
    if len(text) > MAX_LENGTH:
        fail.raise_code(FormulaCode.FX006, 0, detail=f"dài hơn {MAX_LENGTH} ký tự")
    body = text.strip()
    if body.startswith("="):
        body = body[1:]
    tokens = _tokenize(body, fail)
    canonical = (
        {name.casefold(): name for name in sheets} if sheets is not None else None
    )
    parser = _Parser(tokens, sheet, canonical, fail)
    if not tokens:
        fail.syntax("công thức rỗng", 0)
    node = parser.expression(0, 0)
    rest = parser.peek()
    if rest.kind != "end":
        if rest.text == ")":
            fail.raise_code(FormulaCode.FX002, rest.pos, formula=fail.formula)
        if rest.text == ",":
            fail.unsupported("hợp vùng (A1,B1)", rest.pos)
        fail.syntax(f"thừa '{rest.text}' (thiếu toán tử?)", rest.pos)
    return node
