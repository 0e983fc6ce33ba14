"""Stage-2 types: the intermediate model of a form (pyxform's split).

``parse`` turns a :class:`~baocao.form_designer.workbook.Workbook` into a
:class:`FormModel`: which cells are inputs (and of what kind), which are
computed, which repeat groups exist. Later stages only read this model.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from baocao.form_designer.workbook import DefinedName, Sheet, SourceRef


class Role(enum.Enum):
    """What a cell is on the form (``layout`` cell ``role``)."""

    LABEL = "label"
    INPUT = "input"
    COMPUTED = "computed"
    NARRATIVE = "narrative"


class FieldKind(enum.Enum):
    """Kind of an input (``schema`` property ``x-kind``)."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"
    DATE = "date"
    TEXT = "text"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    NARRATIVE = "narrative"


@dataclass(frozen=True, slots=True)
class Field:
    """One input cell."""

    source: SourceRef
    row: int
    col: int
    kind: FieldKind
    title: str
    options: tuple[str, ...] = ()
    """Choices of a data-validation list (``enum``)."""
    options_from: str | None = None
    """The list's source when its values could not be read (diagnostic FD021)."""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    indicator: str | None = None
    """Indicator code from a cell comment or a defined name."""
    indicator_from: str = ""
    """Where the indicator code came from (for diagnostics)."""
    aggregate: str = "sum"
    """How the receiving unit aggregates this input across units."""
    repeat: str | None = None
    """Name of the repeat group whose rows hold this input."""
    guessed: bool = False
    """True when found by the heuristic for unprotected sheets."""


@dataclass(frozen=True, slots=True)
class FormulaCell:
    """One computed cell, formula kept as text until ``build_formulas``."""

    source: SourceRef
    row: int
    col: int
    text: str
    array: bool = False


@dataclass(frozen=True, slots=True)
class Repeat:
    """A repeatable row group marked by a defined name ``LAP_<name>``."""

    name: str
    sheet: str
    first_row: int
    last_row: int
    first_col: int
    last_col: int


@dataclass(frozen=True, slots=True)
class FormModel:
    """The whole form between parsing and emitting."""

    sheets: tuple[Sheet, ...]
    fields: tuple[Field, ...]
    formulas: tuple[FormulaCell, ...]
    repeats: tuple[Repeat, ...]
    defined_names: tuple[DefinedName, ...]
    bad_repeats: tuple[DefinedName, ...] = ()
    """Names marked as repeat groups whose target is not a row range (FD018)."""
