"""The parsed form of an Excel formula: small frozen dataclasses.

The parser (:func:`baocao.schemas.parse_formula`) turns template text into these
nodes once; the compiler reads references from them and the calculator turns them
into Python closures. Nothing here ever evaluates text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

MAX_ROW = 1_048_576
MAX_COL = 16_384


def column_letter(index: int) -> str:
    """1 → ``A``, 28 → ``AB`` (Excel column letters)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` → 1, ``AB`` → 28."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


def cell_address(sheet: str, row: int, col: int) -> str:
    """Public address ``Sheet name!A1`` (sheet unquoted)."""
    return f"{sheet}!{column_letter(col)}{row}"


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal."""

    value: float


@dataclass(frozen=True, slots=True)
class Text:
    """A string literal (quotes removed, doubled quotes undone)."""

    value: str


@dataclass(frozen=True, slots=True)
class Bool:
    """``TRUE`` or ``FALSE``."""

    value: bool


@dataclass(frozen=True, slots=True)
class ErrorLiteral:
    """An error constant such as ``#N/A`` written in the formula."""

    code: str


@dataclass(frozen=True, slots=True)
class Missing:
    """An omitted argument, as in ``IF(A1,,2)``."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A cell or a rectangular range, with its sheet resolved.

    Whole columns (``A:A``) and whole rows (``3:3``) are kept with their full
    bounds and flagged, so that the compiler can reject them with a diagnostic.
    """

    sheet: str
    """Sheet name as written (unquoted), or the formula's own sheet."""
    row1: int
    col1: int
    row2: int
    col2: int
    whole_column: bool = False
    whole_row: bool = False
    workbook: str | None = None
    """The external workbook (``[1]`` or ``[Book.xlsx]``) when there is one."""

    @property
    def is_cell(self) -> bool:
        """True for a single-cell reference such as ``D7``."""
        return self.row1 == self.row2 and self.col1 == self.col2

    @property
    def is_external(self) -> bool:
        """True when the reference points into another workbook."""
        return self.workbook is not None

    @property
    def size(self) -> int:
        """Number of cells covered."""
        return (self.row2 - self.row1 + 1) * (self.col2 - self.col1 + 1)

    @property
    def address(self) -> str:
        """``Sheet!A1`` or ``Sheet!A1:B3``."""
        first = f"{column_letter(self.col1)}{self.row1}"
        if self.is_cell:
            return f"{self.sheet}!{first}"
        return f"{self.sheet}!{first}:{column_letter(self.col2)}{self.row2}"

    def cells(self) -> Iterator[str]:
        """Every cell address covered, row by row."""
        letters = [column_letter(c) for c in range(self.col1, self.col2 + 1)]
        for row in range(self.row1, self.row2 + 1):
            for letter in letters:
                yield f"{self.sheet}!{letter}{row}"


@dataclass(frozen=True, slots=True)
class Name:
    """A defined name or an unknown identifier (not a cell)."""

    name: str


@dataclass(frozen=True, slots=True)
class Unary:
    """Prefix ``-``/``+`` or postfix ``%``."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    """An infix operator: arithmetic, ``&`` or a comparison."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A function call; ``name`` is upper case without ``_xlfn.``."""

    name: str
    args: tuple[Node, ...]


Node = (
    Number | Text | Bool | ErrorLiteral | Missing | Ref | Name | Unary | Binary | Call
)


def children(node: Node) -> tuple[Node, ...]:
    """Direct sub-nodes of ``node``."""
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node, parents before children, left to right (no recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def references(node: Node) -> tuple[Ref, ...]:
    """Every cell/range reference in the formula, in reading order."""
    return tuple(n for n in walk(node) if isinstance(n, Ref))


def function_names(node: Node) -> frozenset[str]:
    """Upper-case names of every function the formula calls."""
    return frozenset(n.name for n in walk(node) if isinstance(n, Call))


def dependencies(node: Node) -> tuple[str, ...]:
    """Addresses of every cell the formula reads (ranges expanded), sorted, unique."""
    seen: dict[str, None] = {}
    for ref in references(node):
        if not ref.is_external:
            seen.update(dict.fromkeys(ref.cells()))
    return tuple(sorted(seen))
