"""AST → Python closures, compiled once per formula.

Every node becomes a zero-argument function reading the calculator's value
dict; no text is ever executed. Ranges become :class:`Array` only where a
function wants them; elsewhere Excel's implicit intersection picks the cell in
the formula's row or column. Chains of the same operator (``A1+A2+…+A900``) are
evaluated in a loop, so long formulas cannot exhaust the Python stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from baocao.schemas._operators import BINARY, UNARY, elementwise
from baocao.schemas._spec import EvalContext, FunctionSpec
from baocao.schemas._values import ERRORS, REF, VALUE, Array, Signal, XlError
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
    cell_address,
)
from baocao.schemas.functions import FUNCTIONS

Thunk = Callable[[], Any]
_GROUPS = {"+": 3, "-": 3, "*": 4, "/": 4, "^": 5, "&": 2}


@dataclass(frozen=True, slots=True)
class Site:
    """Where the formula being compiled lives (implicit intersection, messages)."""

    sheet: str
    row: int
    col: int
    address: str


class Compiler:
    """Compiles formulas against one value dict (shared by every closure)."""

    def __init__(
        self,
        values: dict[str, Any],
        context: EvalContext,
        subtotal_cells: frozenset[str],
    ) -> None:
        self.get = values.get
        self.context = context
        self.subtotal_cells = subtotal_cells

    def formula(self, node: Node, site: Site) -> Thunk:
        """The closure giving the cell's final value (a blank result shows as 0)."""
        body = self.scalar(node, site)
        if not _may_pass_through(node):
            return body

        def run() -> Any:
            value = body()
            if value is None:
                return 0.0
            if type(value) is Array:
                return value.data[0] if len(value.data) == 1 else VALUE
            return value

        return run

    def scalar(self, node: Node, site: Site) -> Thunk:
        """Compile ``node`` for a single value."""
        kind = type(node)
        if kind is Number or kind is Text or kind is Bool:
            constant = node.value  # type: ignore[union-attr]
            return lambda: constant
        if kind is Ref:
            return self.intersect(node, site)  # type: ignore[arg-type]
        if kind is Binary:
            return self.chain(node, site, self.scalar)  # type: ignore[arg-type]
        if kind is Unary:
            op, operand = UNARY[node.op], self.scalar(node.operand, site)  # type: ignore[union-attr]
            return lambda: op(operand())
        if kind is Call:
            return self.call(node, site)  # type: ignore[arg-type]
        return self.constant(node, site)

    def constant(self, node: Node, site: Site) -> Thunk:
        if isinstance(node, ErrorLiteral):
            error = ERRORS.get(node.code, VALUE)
            return lambda: error
        if isinstance(node, Missing):
            return lambda: None
        if isinstance(node, Name):
            raise FormulaError(FormulaCode.FX009, where=site.address, name=node.name)
        raise FormulaError(
            FormulaCode.FX011, where=site.address, detail=repr(node)[:60]
        )

    def array(self, node: Node, site: Site) -> Thunk:
        """Compile ``node`` with operators working element by element (SUMPRODUCT)."""
        if isinstance(node, Ref):
            return self.range(node)
        if isinstance(node, Binary):
            return self.chain(node, site, self.array, elementwise=True)
        if isinstance(node, Unary):
            op, operand = UNARY[node.op], self.array(node.operand, site)
            return lambda: elementwise(op, operand())
        return self.scalar(node, site)

    def intersect(self, ref: Ref, site: Site) -> Thunk:
        """A cell, or the implicit intersection of a range with the formula cell."""
        if ref.is_external:
            return lambda: REF
        if ref.is_cell:
            row, col = ref.row1, ref.col1
        elif ref.col1 == ref.col2 and ref.row1 <= site.row <= ref.row2:
            row, col = site.row, ref.col1
        elif ref.row1 == ref.row2 and ref.col1 <= site.col <= ref.col2:
            row, col = ref.row1, site.col
        else:
            return lambda: VALUE
        get, address = self.get, cell_address(ref.sheet, row, col)
        return lambda: get(address)

    def range(self, ref: Ref, skip_subtotals: bool = False) -> Thunk:
        """A range as an :class:`Array` read fresh from the value dict."""
        if ref.is_external:
            return lambda: REF
        rows, cols = ref.row2 - ref.row1 + 1, ref.col2 - ref.col1 + 1
        addresses = list(ref.cells())
        get = self.get
        if skip_subtotals:
            hidden = self.subtotal_cells
            addresses = [None if a in hidden else a for a in addresses]  # type: ignore[misc]
            return lambda: Array(rows, cols, [a and get(a) for a in addresses])
        return lambda: Array(rows, cols, list(map(get, addresses)))

    def chain(
        self,
        node: Binary,
        site: Site,
        operand: Callable[[Node, Site], Thunk],
        elementwise: bool = False,
    ) -> Thunk:
        """``a+b-c…`` (same precedence, left-associative) as a loop, not a deep tree."""
        steps: list[tuple[str, Node]] = []
        current: Node = node
        group = _GROUPS.get(node.op, 1)
        while isinstance(current, Binary) and _GROUPS.get(current.op, 1) == group:
            steps.append((current.op, current.right))
            current = current.left
        first = operand(current, site)
        ops = [(BINARY[op], operand(right, site)) for op, right in reversed(steps)]
        if elementwise:

            def run_elementwise() -> Any:
                value = first()
                for op, right in ops:
                    value = _apply_elementwise(op, value, right())
                return value

            return run_elementwise
        if len(ops) == 1:
            ((op, right),) = ops
            return lambda: op(first(), right())

        def run() -> Any:
            value = first()
            for op, right in ops:
                value = op(value, right())
            return value

        return run

    def call(self, node: Call, site: Site) -> Thunk:
        fn = FUNCTIONS.get(node.name)
        if fn is None:
            raise FormulaError(
                FormulaCode.FX003, where=site.address, function=node.name
            )
        _check_arity(fn, node, site)
        if node.name == "TODAY" and self.context.today is None:
            raise FormulaError(FormulaCode.FX010, where=site.address)
        nodes = _resized(fn, node.args)
        args = [self.argument(fn, i, arg, site) for i, arg in enumerate(nodes)]
        impl = partial(fn.impl, self.context) if fn.context else fn.impl
        if fn.lazy:
            return _guard(lambda: impl(*args))
        if len(args) == 1:
            return _guarded_1(impl, args[0])
        if len(args) == 2:  # noqa: PLR2004 - the most common arity, unrolled
            return _guarded_2(impl, args[0], args[1])
        return _guard(lambda: impl(*[a() for a in args]))

    def argument(
        self, fn: FunctionSpec, position: int, node: Node, site: Site
    ) -> Thunk:
        if fn.accepts_array(position) and isinstance(node, Ref):
            return self.range(node, skip_subtotals=fn.skip_subtotals)
        if fn.force_array:
            return self.array(node, site)
        return self.scalar(node, site)


_PASS_THROUGH = frozenset(
    {"IF", "IFERROR", "IFS", "CHOOSE", "INDEX", "VLOOKUP", "HLOOKUP"}
)


def _may_pass_through(node: Node) -> bool:
    """Whether the value may be a blank cell or a range (then it needs unwrapping)."""
    if isinstance(node, Binary | Number | Text | Bool | ErrorLiteral):
        return False
    if isinstance(node, Unary):
        return node.op == "+"
    return not isinstance(node, Call) or node.name in _PASS_THROUGH


def _resized(fn: FunctionSpec, args: tuple[Node, ...]) -> tuple[Node, ...]:
    """SUMIF(A1:A10, c, B1): the sum range takes the criteria range's shape."""
    first = args[0] if args else None
    if fn.resize is None or not isinstance(first, Ref):
        return args
    out = list(args)
    for position in fn.resize:
        target = out[position] if position < len(out) else None
        if isinstance(target, Ref) and not target.is_external:
            out[position] = Ref(
                target.sheet,
                target.row1,
                target.col1,
                min(target.row1 + first.row2 - first.row1, MAX_ROW),
                min(target.col1 + first.col2 - first.col1, MAX_COL),
            )
    return tuple(out)


def _apply_elementwise(op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    return elementwise(op, left, right)


def _guarded_1(impl: Callable[[Any], Any], only: Thunk) -> Thunk:
    """:func:`_guard` inlined for one argument (most calls: SUM, ROUND's operand)."""

    def run() -> Any:
        try:
            result = impl(only())
        except Signal as signal:
            return signal.error
        if type(result) is float and result - result != 0.0:
            return ERRORS["#NUM!"]
        return result

    return run


def _guarded_2(impl: Callable[[Any, Any], Any], first: Thunk, second: Thunk) -> Thunk:
    """:func:`_guard` inlined for two arguments."""

    def run() -> Any:
        try:
            result = impl(first(), second())
        except Signal as signal:
            return signal.error
        if type(result) is float and result - result != 0.0:
            return ERRORS["#NUM!"]
        return result

    return run


def _guard(body: Thunk) -> Thunk:
    """Turn a :class:`Signal` into its error value; overflow into #NUM!."""

    def run() -> Any:
        try:
            result = body()
        except Signal as signal:
            return signal.error
        if type(result) is float and result - result != 0.0:
            return ERRORS["#NUM!"]
        return result

    return run


def _check_arity(fn: FunctionSpec, node: Call, site: Site) -> None:
    count = len(node.args)
    if count < fn.min_args or (fn.max_args is not None and count > fn.max_args):
        if fn.max_args is None:
            expected = f"ít nhất {fn.min_args}"
        elif fn.max_args == fn.min_args:
            expected = str(fn.min_args)
        else:
            expected = f"{fn.min_args} đến {fn.max_args}"
        raise FormulaError(
            FormulaCode.FX008,
            where=site.address,
            function=node.name,
            expected=expected,
            count=count,
        )


def is_error(value: Any) -> bool:
    """True for an Excel error value."""
    return type(value) is XlError
