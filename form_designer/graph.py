"""Stage 4: formulas → dependency graph, checked and topologically ordered.

Every formula is parsed once; its references are resolved to cell addresses
(``Sheet!A1``, ranges expanded), problems become diagnostics (unsupported
function, whole column/row, another workbook, unknown sheet or name, syntax),
and cycles are found with Tarjan's algorithm so that the diagnostic names
every cell of the cycle. The order is deterministic: sheet order, then row,
then column, among the cells that are ready.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from baocao.form_designer._formula_refs import (
    SUPPORTED_FUNCTIONS,
    FormulaSyntaxError,
    Reference,
    analyse,
)
from baocao.form_designer._grid import column_letters
from baocao.form_designer.errors import Code, Diagnostic
from baocao.form_designer.limits import Limits
from baocao.form_designer.model import FormModel, FormulaCell
from baocao.form_designer.parse import parse_range


@dataclass(frozen=True, slots=True)
class FormulaNode:
    """One computed cell with its resolved dependencies."""

    address: str
    text: str
    deps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FormulaGraph:
    """Every computed cell, the evaluation order and what went wrong."""

    nodes: tuple[FormulaNode, ...]
    order: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


def _expand(sheet: str, bounds: tuple[int, int, int, int]) -> list[str]:
    c1, r1, c2, r2 = bounds
    letters = [column_letters(c) for c in range(c1, c2 + 1)]
    return [f"{sheet}!{letter}{row}" for row in range(r1, r2 + 1) for letter in letters]


class _Resolver:
    """Turns the references of one formula into addresses or diagnostics."""

    def __init__(self, model: FormModel, limits: Limits) -> None:
        self.sheets = {s.name.casefold(): s.name for s in model.sheets}
        self.names = {n.name.casefold(): n for n in model.defined_names}
        self.limits = limits

    def resolve(
        self, cell: FormulaCell, ref: Reference, out: list[Diagnostic]
    ) -> list[str]:
        where = {"sheet": cell.source.sheet, "cell": cell.source.cell}
        if ref.workbook is not None:
            out.append(Diagnostic.make(Code.FD012, value=ref.text, **where))
            return []
        if ref.bounds is None:
            return self._name(cell, ref, out)
        sheet = (
            cell.source.sheet
            if ref.sheet is None
            else self.sheets.get(ref.sheet.casefold())
        )
        if sheet is None:
            out.append(Diagnostic.make(Code.FD015, value=ref.text, **where))
            return []
        if ref.whole_column or ref.whole_row:
            out.append(Diagnostic.make(Code.FD011, value=ref.text, **where))
            return []
        c1, r1, c2, r2 = ref.bounds
        if (c2 - c1 + 1) * (r2 - r1 + 1) > self.limits.max_range_cells:
            out.append(Diagnostic.make(Code.FD016, value=ref.text, **where))
            return []
        return _expand(sheet, ref.bounds)

    def _name(
        self, cell: FormulaCell, ref: Reference, out: list[Diagnostic]
    ) -> list[str]:
        defined = self.names.get((ref.name or ref.text).casefold())
        deps: list[str] = []
        for sheet_name, coord in defined.destinations if defined else ():
            sheet, bounds = self.sheets.get(sheet_name.casefold()), parse_range(coord)
            if sheet is None or bounds is None:
                deps = []
                break
            deps.extend(_expand(sheet, bounds))
        if not deps:
            out.append(
                Diagnostic.make(
                    Code.FD023,
                    sheet=cell.source.sheet,
                    cell=cell.source.cell,
                    value=ref.text,
                )
            )
        return deps


def _node(cell: FormulaCell, resolver: _Resolver, out: list[Diagnostic]) -> FormulaNode:
    where = {"sheet": cell.source.sheet, "cell": cell.source.cell}
    address = cell.source.address
    if cell.array:
        out.append(Diagnostic.make(Code.FD017, **where))
        return FormulaNode(address, cell.text, ())
    try:
        info = analyse(cell.text, cell.source.sheet)
    except FormulaSyntaxError:
        out.append(Diagnostic.make(Code.FD014, value=cell.text, **where))
        return FormulaNode(address, cell.text, ())
    out.extend(
        Diagnostic.make(Code.FD010, value=name, **where)
        for name in sorted(info.functions - SUPPORTED_FUNCTIONS)
    )
    deps: dict[str, None] = {}
    for ref in info.references:
        deps.update(dict.fromkeys(resolver.resolve(cell, ref, out)))
    return FormulaNode(address, cell.text, tuple(deps))


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (templates can chain thousands of cells)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root, edges in graph.items():
        if root in index:
            continue
        work = [(root, iter(edges))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def _cycles(
    graph: dict[str, list[str]],
    rank: dict[str, tuple[int, int, int]],
    out: list[Diagnostic],
) -> set[str]:
    cyclic: set[str] = set()
    for component in _strongly_connected(graph):
        if len(component) == 1 and component[0] not in graph[component[0]]:
            continue
        members = sorted(component, key=rank.__getitem__)
        cyclic.update(members)
        sheet, cell = members[0].split("!", 1)
        chain = " → ".join([*members, members[0]])
        out.append(Diagnostic.make(Code.FD013, sheet=sheet, cell=cell, value=chain))
    return cyclic


def _order(
    graph: dict[str, list[str]], rank: dict[str, tuple[int, int, int]], skip: set[str]
) -> list[str]:
    """Kahn's algorithm; ties broken by (sheet, row, column) for stable output."""
    waiting = {node: 0 for node in graph if node not in skip}
    users: dict[str, list[str]] = {node: [] for node in waiting}
    for node in waiting:
        for dep in graph[node]:
            if dep in waiting:
                waiting[node] += 1
                users[dep].append(node)
    ready = [(rank[n], n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for user in users[node]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, (rank[user], user))
    return order


def build_formulas(model: FormModel, limits: Limits | None = None) -> FormulaGraph:
    """Parse, resolve, check and order every formula of ``model``.

    :param model: the parsed form.
    :param limits: bounds on range sizes.
    """
    resolver = _Resolver(model, limits or Limits())
    diagnostics: list[Diagnostic] = []
    sheet_rank = {s.name: i for i, s in enumerate(model.sheets)}
    rank = {
        c.source.address: (sheet_rank[c.source.sheet], c.row, c.col)
        for c in model.formulas
    }
    nodes = [_node(cell, resolver, diagnostics) for cell in model.formulas]
    graph = {n.address: [d for d in n.deps if d in rank] for n in nodes}
    cyclic = _cycles(graph, rank, diagnostics)
    order = _order(graph, rank, cyclic)
    return FormulaGraph(tuple(nodes), tuple(order), tuple(diagnostics))
