"""Aggregation of many units' submissions of one form (DESIGN.md §6).

The receiving unit combines the inputs of the accepted submissions cell by cell,
each input with its own rule (``sum`` by default, ``average``, ``min``, ``max``,
``count`` or ``none``), and then recomputes every formula of the form on the
combined inputs: a ratio of the province is the ratio of the province's totals,
never the sum of the communes' ratios. Blanks are skipped the way Excel's
SUM/AVERAGE/MIN/MAX skip empty cells; a cell that nobody filled stays blank (a
``count`` is 0). The result keeps the units' values so that every cell drills
down to who contributed what and who is missing.

Multi-level aggregation (communes → department → province): an
:class:`AggregateResult` becomes one input of the next level through
:meth:`AggregateResult.as_unit`, which carries how many values each cell already
combines, so that averages and counts of the upper level stay exact.

Pure: no I/O, no clock. See ``docs/aggregation.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

if TYPE_CHECKING:
    from baocao.schemas import Calculator
    from baocao.schemas.compiled import CompiledForm

__all__ = [
    "RULES",
    "AggregateError",
    "AggregateResult",
    "Contribution",
    "UnitData",
    "aggregate",
]

RULES = frozenset({"sum", "average", "min", "max", "count", "none"})
"""The aggregation rules an input cell may carry."""
_NUMBER = (int, float)


class Code(DetailEnum):
    """Error codes of aggregation, with Vietnamese messages."""

    AG001 = Detail(
        "unknown rule",
        "[Ô {cell}] Quy tắc tổng hợp '{value}' không hợp lệ. Hãy chọn một trong: "
        "sum (cộng), average (trung bình), min, max, count (đếm), "
        "none (không tổng hợp).",
    )
    AG002 = Detail(
        "mixed form versions",
        "Các báo cáo được lập trên phiên bản biểu mẫu khác nhau: đơn vị {units} dùng "
        "phiên bản {value}, khác phiên bản đang tổng hợp ({target}). Hãy cung cấp "
        "bảng ánh xạ ô từ phiên bản {value} sang phiên bản {target}, hoặc chỉ tổng "
        "hợp các báo cáo cùng một phiên bản.",
    )
    AG003 = Detail(
        "cell not in the form",
        "[Đơn vị {unit}, ô {cell}] Ô này không phải ô nhập liệu của phiên bản biểu mẫu "
        "đang tổng hợp. Hãy ánh xạ ô này sang một ô nhập liệu (hoặc sang null để bỏ "
        "qua) trong bảng ánh xạ của phiên bản {value}.",
    )
    AG004 = Detail(
        "unit submitted twice",
        "Đơn vị {unit} có nhiều hơn một báo cáo trong lần tổng hợp này. Mỗi đơn vị "
        "chỉ được góp một báo cáo đã tiếp nhận cho mỗi kỳ.",
    )
    AG005 = Detail(
        "unknown cell for drill-down",
        "Ô {cell} không phải ô nhập liệu hay ô công thức của biểu mẫu, nên không có "
        "số liệu chi tiết theo đơn vị. Hãy chọn một ô có trong biểu mẫu.",
    )


class AggregateError(BaocaoError):
    """Submissions cannot be aggregated as asked."""

    http_status = 422

    def __init__(self, code: Code, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)


@dataclass(frozen=True, slots=True)
class UnitData:
    """One unit's contribution to an aggregate."""

    unit: str
    """Code of the reporting unit (shown in drill-downs and error messages)."""
    data: Mapping[str, Any]
    """Input values keyed by cell address; a blank is absent, ``None`` or ``""``."""
    form_version: str | None = None
    """The form version the data was entered on; ``None`` means the target version."""
    counts: Mapping[str, int] | None = None
    """For a lower-level aggregate: how many values each cell already combines
    (a cell absent here combines none: a ``count`` of 0 adds nothing)."""
    computed: Mapping[str, Any] | None = None
    """The unit's own formula results, if stored; computed on demand otherwise."""


@dataclass(frozen=True, slots=True)
class Contribution:
    """Drill-down of one aggregate cell: who contributed what, who is missing."""

    address: str
    rule: str
    """The input's rule, or ``"formula"`` for a computed cell."""
    value: Any
    """The aggregate's value (``None`` when blank)."""
    values: dict[str, Any]
    """Each contributing unit's non-blank value, in submission order."""
    blank: tuple[str, ...]
    """Units that submitted but left this cell blank."""
    missing: tuple[str, ...]
    """Expected units without a submission in this aggregate."""


@dataclass(frozen=True, slots=True)
class AggregateResult:
    """Combined inputs, recomputed formulas and the sources for drill-down."""

    inputs: dict[str, Any]
    """Combined input values (blank cells absent): the next level's input data."""
    computed: dict[str, Any]
    """Every formula cell recomputed on :attr:`inputs`."""
    counts: dict[str, int]
    """How many unit values each input cell combines."""
    rules: dict[str, str]
    """The rule applied to each input cell."""
    units: tuple[str, ...]
    """Units included, in submission order."""
    missing: tuple[str, ...]
    """Expected units without a submission."""
    sources: tuple[UnitData, ...] = field(repr=False)
    """The units' data translated to the target version's addresses."""
    calculator: Calculator = field(repr=False)
    _unit_computed: dict[str, Mapping[str, Any]] = field(
        default_factory=dict, repr=False
    )

    @property
    def values(self) -> dict[str, Any]:
        """Inputs and computed cells together, keyed by address."""
        return {**self.inputs, **self.computed}

    def as_unit(self, unit: str, form_version: str | None = None) -> UnitData:
        """This aggregate as one input of the next level (department → province)."""
        return UnitData(
            unit=unit,
            data=self.inputs,
            form_version=form_version,
            counts=self.counts,
            computed=self.computed,
        )

    def contributions(self, address: str) -> Contribution:
        """Per-unit values of one input or computed cell, and the missing units.

        :raises AggregateError: AG005 when the address is neither an input nor a
            formula cell of the form.
        """
        if address in self.rules:
            rule = self.rules[address]
            per_unit = [(s.unit, s.data.get(address)) for s in self.sources]
            value = self.inputs.get(address)
        elif address in self.computed:
            rule = "formula"
            per_unit = [
                (s.unit, self._computed_of(s).get(address)) for s in self.sources
            ]
            value = self.computed[address]
        else:
            raise AggregateError(Code.AG005, cell=address)
        return Contribution(
            address=address,
            rule=rule,
            value=value,
            values={u: v for u, v in per_unit if not _is_blank(v)},
            blank=tuple(u for u, v in per_unit if _is_blank(v)),
            missing=self.missing,
        )

    def unit_computed(self, unit: str) -> Mapping[str, Any]:
        """One included unit's own formula results (for drill-down and exports).

        :raises KeyError: when ``unit`` is not among :attr:`units`.
        """
        for source in self.sources:
            if source.unit == unit:
                return self._computed_of(source)
        raise KeyError(unit)

    def _computed_of(self, source: UnitData) -> Mapping[str, Any]:
        """A unit's formula results: stored ones, else computed once and cached."""
        if source.computed is not None:
            return source.computed
        cached = self._unit_computed.get(source.unit)
        if cached is None:
            cached = dict(self.calculator.calculate(dict(source.data)))
            self._unit_computed[source.unit] = cached
        return cached


def _is_blank(value: Any) -> bool:
    return value is None or value == ""


def aggregate(
    compiled: CompiledForm,
    submissions: Sequence[Mapping[str, Any] | UnitData],
    *,
    rules: Mapping[str, str] | None = None,
    expected_units: Sequence[str] | None = None,
    form_version: str | None = None,
    mappings: Mapping[str, Mapping[str, str | None]] | None = None,
    calculator: Calculator | None = None,
) -> AggregateResult:
    """Combine the submissions cell by cell and recompute every formula.

    :param compiled: the form version being aggregated (the target version).
    :param submissions: each unit's input data, as :class:`UnitData` or a plain
        mapping (then labelled ``#1``, ``#2``, ... in drill-downs).
    :param rules: per-address overrides of the rules set in the designer
        (``compiled.formulas["inputs"][addr]["aggregate"]``).
    :param expected_units: the units that should have reported (for ``missing``).
    :param form_version: identifier of ``compiled``'s version; a submission whose
        ``form_version`` differs must have an entry in ``mappings``.
    :param mappings: per foreign form version, ``{its address: target address or
        None to drop}``; addresses not listed must exist in the target version.
    :param calculator: a ``Calculator(compiled)`` to reuse (one per form version).
    :raises AggregateError: AG001 unknown rule, AG002 mixed versions without a
        mapping, AG003 unmapped cell, AG004 a unit twice.
    """
    if calculator is None:
        from baocao.schemas import Calculator  # noqa: PLC0415 - the package imports this module

        calculator = Calculator(compiled)
    cell_rules = _rules_of(compiled, rules)
    target = form_version if form_version is not None else compiled.source_sha256
    sources = _normalise(
        submissions, cell_rules, target, mappings or {}, calculator.cells
    )
    combined, counts = _combine(sources, cell_rules)
    computed = dict(calculator.calculate(dict(combined)))
    submitted = {s.unit for s in sources}
    return AggregateResult(
        inputs=combined,
        computed=computed,
        counts=counts,
        rules=cell_rules,
        units=tuple(s.unit for s in sources),
        missing=tuple(u for u in expected_units or () if u not in submitted),
        sources=tuple(sources),
        calculator=calculator,
    )


def _rules_of(
    compiled: CompiledForm, overrides: Mapping[str, str] | None
) -> dict[str, str]:
    """Every input's rule: designer's setting, override, text inputs ``none``."""
    properties = compiled.schema.get("properties", {})
    result: dict[str, str] = {}
    for address, spec in compiled.formulas.get("inputs", {}).items():
        rule = (spec or {}).get("aggregate")
        if rule is None:
            kind = properties.get(address, {}).get("x-kind")
            rule = "none" if kind in {"text", "narrative", "date", "choice"} else "sum"
        result[address] = rule
    result.update(overrides or {})
    for address, rule in result.items():
        if rule not in RULES:
            raise AggregateError(Code.AG001, cell=address, value=rule)
    return result


def _normalise(
    submissions: Sequence[Mapping[str, Any] | UnitData],
    cell_rules: Mapping[str, str],
    target: str,
    mappings: Mapping[str, Mapping[str, str | None]],
    cells: Callable[[Mapping[str, Any]], Mapping[str, Any]],
) -> list[UnitData]:
    """UnitData on the target version's addresses; refuse what cannot be mapped.

    :param cells: the target version's ``Calculator.cells``: repeat-group rows
        become the template rows' cells, so a group combines row by row (row 1
        of every unit into row 1, ...) and its total cells, recomputed from
        those rows, are the totals over every unit's rows.
    """
    sources: list[UnitData] = []
    seen: set[str] = set()
    foreign: dict[str, list[str]] = {}
    for index, item in enumerate(submissions, start=1):
        source = item if isinstance(item, UnitData) else UnitData(f"#{index}", item)
        if source.unit in seen:
            raise AggregateError(Code.AG004, unit=source.unit)
        seen.add(source.unit)
        version = source.form_version
        if version is not None and version != target and version not in mappings:
            foreign.setdefault(version, []).append(source.unit)
        sources.append(source)
    if foreign:
        version, units = next(iter(foreign.items()))
        raise AggregateError(
            Code.AG002, units=", ".join(units), value=version, target=target
        )
    return [_translate(s, cell_rules, target, mappings, cells) for s in sources]


def _translate(
    source: UnitData,
    cell_rules: Mapping[str, str],
    target: str,
    mappings: Mapping[str, Mapping[str, str | None]],
    cells: Callable[[Mapping[str, Any]], Mapping[str, Any]],
) -> UnitData:
    """Rename a foreign version's addresses; check every address is an input.
    On the target version, repeat groups are first spread over their cells."""
    version = source.form_version
    mapping = mappings.get(version) if version not in (None, target) else None
    if mapping is None:
        source = replace(source, data=cells(source.data))
        for address in source.data:
            if address not in cell_rules:
                raise AggregateError(
                    Code.AG003, unit=source.unit, cell=address, value=version or target
                )
        return source
    data: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for address, value in source.data.items():
        renamed = mapping.get(address, address)
        if renamed is None:
            continue
        if renamed not in cell_rules:
            raise AggregateError(
                Code.AG003, unit=source.unit, cell=address, value=version
            )
        data[renamed] = value
        if source.counts is not None and address in source.counts:
            counts[renamed] = source.counts[address]
    return UnitData(
        source.unit, data, version, counts if source.counts is not None else None, None
    )


def _combine(
    sources: Sequence[UnitData], cell_rules: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The hot loop: one pass over every unit's values, accumulators per cell.

    ``weight`` is 1 for a unit's own value and the number of combined values for
    a lower-level aggregate, so that averages are weighted and counts add up.
    """
    totals: dict[str, Any] = {}
    weights: dict[str, int] = {}
    for source in sources:
        counts = source.counts
        for address, value in source.data.items():
            if value is None or value == "":
                continue
            rule = cell_rules[address]
            weight = 1 if counts is None else counts.get(address, 0)
            if weight == 0:
                continue  # an upper level's count of 0, or a value no unit gave
            if rule in {"count", "none"}:
                weights[address] = weights.get(address, 0) + weight
                continue
            if type(value) not in _NUMBER:
                continue  # text in a numeric cell: skipped, as SUM skips text
            weights[address] = weights.get(address, 0) + weight
            previous = totals.get(address)
            if previous is None:
                totals[address] = value * weight if rule == "average" else value
            elif rule == "sum":
                totals[address] = previous + value
            elif rule == "average":
                totals[address] = previous + value * weight
            elif rule == "min":
                totals[address] = min(previous, value)
            else:
                totals[address] = max(previous, value)
    return _finish(totals, weights, cell_rules), weights


def _finish(
    totals: Mapping[str, Any], weights: Mapping[str, int], cell_rules: Mapping[str, str]
) -> dict[str, Any]:
    """Accumulators → values: averages divided, counts everywhere, none dropped."""
    combined: dict[str, Any] = {}
    for address, rule in cell_rules.items():
        if rule == "count":
            combined[address] = weights.get(address, 0)
        elif rule == "average" and address in totals:
            combined[address] = totals[address] / weights[address]
        elif rule != "none" and address in totals:
            combined[address] = totals[address]
    return combined
