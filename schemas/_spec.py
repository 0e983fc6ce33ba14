"""How a function is registered: its body plus what the compiler must know."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from baocao.schemas._values import VALUE, Array, Signal, XlError


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """One entry of the registry :data:`baocao.schemas.functions.FUNCTIONS`."""

    impl: Callable[..., Any]
    """The body; takes evaluated values (or thunks when ``lazy``)."""
    min_args: int
    max_args: int | None
    """``None`` for variadic functions (Excel's limit of 255 still applies)."""
    arrays: frozenset[int] | None = frozenset()
    """Argument positions that receive ranges as :class:`Array`; ``None`` = all."""
    lazy: bool = False
    """Arguments are passed as zero-argument thunks (IF, IFERROR, IFS, CHOOSE)."""
    context: bool = False
    """The body takes the :class:`EvalContext` first (TODAY)."""
    force_array: bool = False
    """Operators inside the arguments work element by element (SUMPRODUCT)."""
    skip_subtotals: bool = False
    """Range arguments leave out cells holding SUBTOTAL formulas (SUBTOTAL)."""
    resize: frozenset[int] | None = None
    """Positions whose range takes the shape of argument 0 (SUMIF's sum range)."""

    def accepts_array(self, position: int) -> bool:
        """Whether argument ``position`` keeps ranges whole."""
        return self.arrays is None or position in self.arrays


@dataclass(frozen=True, slots=True)
class EvalContext:
    """What a few functions need from outside the formula."""

    today: dt.date | None = None


def spec(
    impl: Callable[..., Any], min_args: int, max_args: int | None, **options: Any
) -> FunctionSpec:
    """Shorthand used by the function modules to fill their registries."""
    return FunctionSpec(impl, min_args, max_args, **options)


ALL = None  # every argument position accepts arrays


def flatten(args: tuple[Any, ...]) -> Iterator[tuple[Any, bool]]:
    """Yield ``(value, from_reference)`` for every value in the arguments."""
    for arg in args:
        if type(arg) is Array:
            ref = arg.is_ref
            for value in arg.data:
                yield value, ref
        else:
            yield arg, False


def numbers(args: tuple[Any, ...]) -> list[float]:
    """Numbers as SUM/AVERAGE/MIN/MAX see them; errors raise.

    In ranges numbers and logicals count (LibreOffice stores TRUE as 1); text and
    blanks are skipped. Direct text arguments are #VALUE! (as LibreOffice).
    """
    found: list[float] = []
    for arg in args:
        if type(arg) is Array:
            cells = arg.data
            found.extend(v for v in cells if type(v) is float)
            if len(found) != len(cells):  # something else than numbers: look closer
                _other_values(cells, found)
        else:
            _direct_value(arg, found)
    return found


def _other_values(cells: list[Any], found: list[float]) -> None:
    for value in cells:
        kind = type(value)
        if kind is XlError:
            raise Signal(value)
        if kind is bool:
            found.append(1.0 if value else 0.0)


def _direct_value(value: Any, found: list[float]) -> None:
    kind = type(value)
    if kind is float:
        found.append(value)
    elif kind is XlError:
        raise Signal(value)
    elif kind is bool:
        found.append(1.0 if value else 0.0)
    elif kind is str:
        raise Signal(VALUE)


def as_array(value: Any) -> Array:
    """Wrap a scalar into a 1x1 array so that range functions accept it."""
    if type(value) is Array:
        return value
    return Array(1, 1, [value], is_ref=False)
