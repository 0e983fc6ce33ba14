"""The formula engine: ``Calculator(compiled)``, ``.calculate()`` and ``.update()``.

Every formula of the ``formulas`` document is parsed and compiled to closures
once, in dependency order; a recalculation is then a walk over a list of
closures, and an update walks only the transitive dependents of the changed
cells (memoised per cell). Values are keyed by the public ``Sheet!A1`` address.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from baocao.schemas._compile import Compiler, Site
from baocao.schemas._parser import parse_formula
from baocao.schemas._spec import EvalContext
from baocao.schemas._values import ERRORS, XlError, date_to_serial
from baocao.schemas.codes import (
    DataCode,
    DataValidationError,
    FormulaCode,
    FormulaError,
)
from baocao.schemas.compiled import CompiledForm
from baocao.schemas.formula_ast import (
    Node,
    Ref,
    column_index,
    function_names,
    references,
)

_ADDRESS = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Z]{1,3})(?P<row>[1-9]\d*)$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EXPAND_LIMIT = 10_000  # larger ranges are matched against known cells instead
_EXACT_INT = 2.0**53
Program = list[tuple[str, Callable[[], Any]]]


def split_address(address: str) -> tuple[str, int, int]:
    """``"Biểu 01!D7"`` → ``("Biểu 01", 7, 4)``; FX011 when malformed."""
    match = _ADDRESS.match(address)
    if match is None:
        raise FormulaError(
            FormulaCode.FX011, where=address, detail="địa chỉ ô không hợp lệ"
        )
    return match["sheet"], int(match["row"]), column_index(match["col"])


def to_json(value: Any) -> Any:
    """Engine value → JSON value: 3.0 → 3, errors → "#DIV/0!"."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < _EXACT_INT else value
    if kind is XlError:
        return value.code
    return value


class Calculator:
    """Evaluates a compiled form's formulas with Excel's semantics.

    :param compiled: the :class:`CompiledForm` (its ``formulas`` document).
    :param today: the date TODAY() returns; formulas using TODAY need it.
    :raises FormulaError: a formula that does not parse (FX001 to FX007), an
        unsupported function (FX003), wrong arity (FX008), a defined name (FX009),
        TODAY without ``today`` (FX010), a cycle or malformed document (FX011).
    """

    def __init__(self, compiled: CompiledForm, *, today: dt.date | None = None) -> None:
        document = _checked_document(compiled.formulas)
        cells: Mapping[str, Any] = document.get("cells") or {}
        self._constants = {
            k: _constant(v) for k, v in (document.get("constants") or {}).items()
        }
        self._repeats = _repeat_groups(compiled.schema)
        self._dates = frozenset(
            address
            for address, prop in _properties(compiled.schema).items()
            if isinstance(prop, dict) and prop.get("x-kind") == "date"
        )
        self._values: dict[str, Any] = {}
        trees = {address: _parse(address, cells[address]) for address in cells}
        subtotal_cells = frozenset(
            a for a, t in trees.items() if "SUBTOTAL" in function_names(t)
        )
        compiler = Compiler(self._values, EvalContext(today=today), subtotal_cells)
        deps = _dependencies(trees)
        self.order: tuple[str, ...] = _topological(deps, trees)
        self._position = {address: i for i, address in enumerate(self.order)}
        self._program: Program = [
            (a, compiler.formula(trees[a], Site(*split_address(a), address=a)))
            for a in self.order
        ]
        self._dependents: dict[str, list[str]] = {}
        for address, sources in deps.items():
            for source in sources:
                self._dependents.setdefault(source, []).append(address)
        self._affected: dict[str, Program] = {}
        self._ready = False

    def calculate(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Value of every formula cell for these inputs (blank inputs may be absent)."""
        values = self._values
        values.clear()
        values.update(self._constants)
        dates = self._dates
        for address, value in self.cells(inputs).items():
            kind = type(value)
            if kind is float or value is None or (kind is str and address not in dates):
                values[address] = value
            else:
                values[address] = self._input(address, value)
        for address, run in self._program:
            values[address] = run()
        self._ready = True
        return {address: to_json(values[address]) for address in self.order}

    def update(self, changed: Mapping[str, Any]) -> dict[str, Any]:
        """Apply changed inputs to the last state; return the cells that changed."""
        if not self._ready:
            self.calculate({})
        values = self._values
        changed = self.cells(changed)
        for address, value in changed.items():
            values[address] = self._input(address, value)
        if len(changed) == 1:
            program = self._affected_by(next(iter(changed)))
        else:
            merged = {a: run for key in changed for a, run in self._affected_by(key)}
            program = sorted(merged.items(), key=lambda item: self._position[item[0]])
        result = {}
        for address, run in program:
            old, new = values.get(address), run()
            if new != old or type(new) is not type(old):
                values[address] = new
                result[address] = to_json(new)
        return result

    def values(self) -> dict[str, Any]:
        """JSON values of every formula cell in the current state."""
        return {address: to_json(self._values.get(address)) for address in self.order}

    def cells(self, inputs: Mapping[str, Any]) -> Mapping[str, Any]:
        """Inputs keyed by cell: a repeat group's rows (a list under the group's
        name) become the cells of the template's rows, blank beyond the rows
        given. The aggregate uses it too, to combine groups row by row.

        :raises DataValidationError: DV003, a group that is not a list or has
            more rows than the template.
        """
        if not self._repeats or not any(k in self._repeats for k in inputs):
            return inputs
        cells: dict[str, Any] = {}
        for key, value in inputs.items():
            group = self._repeats.get(key)
            if group is None:
                cells[key] = value
                continue
            sheet, first, last, columns = group
            rows = value if isinstance(value, list) else []
            if not isinstance(value, list | None) or len(rows) > last - first + 1:
                message = DataCode.DV003.format(
                    where=key, expected=f"danh sách tối đa {last - first + 1} dòng"
                )
                raise DataValidationError([(key, DataCode.DV003.name, message)])
            for offset in range(last - first + 1):
                row = rows[offset] if offset < len(rows) else {}
                row = row if isinstance(row, Mapping) else {}
                for column in columns:
                    cells[f"{sheet}!{column}{first + offset}"] = row.get(column)
        return cells

    def _affected_by(self, address: str) -> Program:
        cached = self._affected.get(address)
        if cached is None:
            seen: set[str] = set()
            stack = list(self._dependents.get(address, ()))
            while stack:
                current = stack.pop()
                if current not in seen:
                    seen.add(current)
                    stack.extend(self._dependents.get(current, ()))
            cached = [self._program[i] for i in sorted(self._position[a] for a in seen)]
            self._affected[address] = cached
        return cached

    def _input(self, address: str, value: Any) -> Any:
        if value is None or type(value) is bool or type(value) is float:
            return value
        if isinstance(value, int):
            return float(value)
        if isinstance(value, str):
            if address in self._dates and _ISO.match(value):
                try:
                    return date_to_serial(dt.date.fromisoformat(value))
                except ValueError:
                    return value
            return value
        message = DataCode.DV003.format(where=address, expected="số, chữ hoặc ngày")
        raise DataValidationError([(address, DataCode.DV003.name, message)])


def _properties(schema: Any) -> Mapping[str, Any]:
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    return properties if isinstance(properties, Mapping) else {}


def _repeat_groups(schema: Any) -> dict[str, tuple[str, int, int, tuple[str, ...]]]:
    """Repeat groups of the schema: name → (sheet, first row, last row, columns)."""
    groups = {}
    for name, prop in _properties(schema).items():
        if (
            isinstance(prop, Mapping)
            and prop.get("type") == "array"
            and "x-sheet" in prop
        ):
            items = (prop.get("items") or {}).get("properties") or {}
            first = int(prop.get("x-first-row", 1))
            last = int(prop.get("x-last-row", first))
            groups[name] = (str(prop["x-sheet"]), first, last, tuple(items))
    return groups


def _checked_document(document: Any) -> Mapping[str, Any]:
    """The ``formulas`` document, after the shape checks the engine relies on."""
    problem = None
    if not isinstance(document, Mapping):
        problem = "không phải đối tượng JSON"
    elif not isinstance(document.get("cells") or {}, Mapping):
        problem = "'cells' phải là đối tượng"
    elif not isinstance(document.get("constants") or {}, Mapping):
        problem = "'constants' phải là đối tượng"
    if problem:
        raise FormulaError(FormulaCode.FX011, where="formulas", detail=problem)
    return document


def _constant(value: Any) -> Any:
    """Constant cell value: error strings become errors, ISO dates serial numbers."""
    if isinstance(value, str):
        if _ISO.match(value):
            try:
                return date_to_serial(dt.date.fromisoformat(value))
            except ValueError:
                return value
        return ERRORS.get(value, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _parse(address: str, entry: Any) -> Node:
    text = entry.get("formula") if isinstance(entry, Mapping) else entry
    if not isinstance(text, str):
        raise FormulaError(FormulaCode.FX011, where=address, detail="thiếu công thức")
    sheet = split_address(address)[0]
    return parse_formula(text, sheet, cell=address.rsplit("!", 1)[1])


def _dependencies(trees: Mapping[str, Node]) -> dict[str, set[str]]:
    """Cells each formula reads; huge ranges are matched against known formula cells."""
    known = list(trees)
    deps: dict[str, set[str]] = {}
    for address, tree in trees.items():
        found: set[str] = set()
        for ref in references(tree):
            if ref.is_external:
                continue
            if ref.size <= _EXPAND_LIMIT:
                found.update(ref.cells())
            else:
                found.update(a for a in known if _inside(a, ref))
        deps[address] = found
    return deps


def _inside(address: str, ref: Ref) -> bool:
    sheet, row, col = split_address(address)
    return (
        sheet == ref.sheet
        and ref.row1 <= row <= ref.row2
        and ref.col1 <= col <= ref.col2
    )


def _topological(
    deps: Mapping[str, Iterable[str]], trees: Mapping[str, Node]
) -> tuple[str, ...]:
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for address in trees:
        sorter.add(address, *(d for d in deps[address] if d in trees))
    try:
        return tuple(sorter.static_order())
    except graphlib.CycleError as err:
        cycle = " → ".join(err.args[1])
        raise FormulaError(
            FormulaCode.FX011,
            where=err.args[1][0],
            detail=f"vòng lặp công thức {cycle}",
        ) from None
