"""Aggregate a regime's accepted submissions for one period (DESIGN.md §6).

Loads what the pure :func:`baocao.schemas.aggregate` needs — the regime's form
version, the accepted submissions of the units in scope and the units expected
to report — and calls it. The scope is the receiving unit (every reporting
unit) or any unit below which the reporting units sit (a department's or a
district's share), so that each level's aggregate can feed the next.

Compiled forms come from a *form loader* ``(form_id, version) -> CompiledForm``
that the app registers in ``app.extensions["baocao_form_loader"]`` (the form
store owns it); one Calculator is kept per form version.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.platform.models.workflow import Submission, decode_keys
from baocao.platform.services import unit_tree
from baocao.platform.services import workflow_config as config
from baocao.platform.workflow.transitions import State
from baocao.renderers import render_csv
from baocao.schemas import (
    AggregateResult,
    Calculator,
    CompiledForm,
    UnitData,
    aggregate,
)
from baocao.schemas.errors import BaocaoError

FormLoader = Callable[[str, int | None], CompiledForm]
"""``(form_id, version) -> CompiledForm`` of a published form version."""

CSV_HEADER = ("unit", "period", "sheet", "cell", "indicator", "label", "value")
BOM = "\ufeff"
_CALCULATORS: dict[tuple[str, int | None, str], Calculator] = {}
_LOCK = threading.Lock()


class ExportFormatError(BaocaoError):
    """An export format the aggregate cannot be written in (yet)."""

    http_status = 422

    def __init__(self, value: str) -> None:
        super().__init__(
            f"Định dạng '{value}' chưa hỗ trợ khi xuất số liệu tổng hợp. Hãy dùng "
            "format=xlsx, format=csv hoặc format=pdf.",
            code="AG011",
        )


class AggregationUnavailableError(BaocaoError):
    """The regime's form version cannot be loaded, so nothing can be recomputed."""

    http_status = 409

    def __init__(self, form_id: str, version: int | None) -> None:
        super().__init__(
            f"Không tải được biểu mẫu '{form_id}' phiên bản {version} của chế độ báo "
            "cáo nên chưa tổng hợp được. Hãy kiểm tra biểu mẫu đã được phát hành và "
            "chế độ báo cáo trỏ đúng phiên bản.",
            code="AG010",
        )


@dataclass(frozen=True, slots=True)
class PeriodAggregate:
    """An aggregate with what it is about."""

    regime_id: str
    period: str
    unit: str
    """The scope: the receiving unit or a unit above some reporting units."""
    result: AggregateResult
    compiled: CompiledForm
    """The form version aggregated (for layout-faithful exports)."""
    included: tuple[dict[str, Any], ...] = ()
    """``{"unit", "id", "version"}`` of each submission combined."""

    def to_dict(self) -> dict[str, Any]:
        """The API's answer: values, units included and missing, counts."""
        return {
            "regime": self.regime_id,
            "period": self.period,
            "unit": self.unit,
            "values": self.result.values,
            "inputs": self.result.inputs,
            "computed": self.result.computed,
            "counts": self.result.counts,
            "units_included": list(self.result.units),
            "units_missing": list(self.result.missing),
        }


def _calculator(
    form_id: str, version: int | None, compiled: CompiledForm
) -> Calculator:
    """One Calculator per form version (building it compiles every formula)."""
    key = (form_id, version, compiled.source_sha256)
    with _LOCK:
        calculator = _CALCULATORS.get(key)
        if calculator is None:
            calculator = Calculator(compiled)
            _CALCULATORS[key] = calculator
        return calculator


def units_in_scope(regime: Any, unit: str, now: datetime) -> list[str]:
    """Reporting units aggregated at ``unit``: all of them at the receiving unit."""
    reporting = config.reporting_unit_codes(regime, now)
    if unit == regime.receiving_unit:
        return reporting
    below = unit_tree.subtree_codes(unit)
    return [code for code in reporting if code in below]


def load_compiled(regime: Any, load_form: FormLoader | None) -> CompiledForm:
    """The regime's form version, or a clear 409 when it cannot be loaded.

    :raises AggregationUnavailableError: no loader, no such version.
    """
    try:
        compiled = load_form(regime.form_id, regime.form_version) if load_form else None
    except (KeyError, LookupError) as err:
        raise AggregationUnavailableError(regime.form_id, regime.form_version) from err
    if compiled is None:
        raise AggregationUnavailableError(regime.form_id, regime.form_version)
    return compiled


def unit_data(sub: Submission) -> UnitData:
    """A submission as one input of the pure aggregate.

    A submission filled from a lower level's aggregate (``external_ref`` kind
    ``aggregate``, see :mod:`baocao.platform.services.aggregate_levels`) carries
    how many values each cell combines, so that averages and counts of the
    upper level stay exact, as long as its data is still what was filled.
    """
    data = sub.get_data()
    ref = sub.external_ref or {}
    counts = None
    if ref.get("kind") == "aggregate":
        # services.workflow imports (through the cache) this module
        from baocao.platform.services.workflow import data_hash  # noqa: PLC0415

        if ref.get("data_sha256") == data_hash(data):
            counts = decode_keys(ref.get("counts"))
    return UnitData(
        sub.unit,
        data,
        form_version=None if sub.form_version is None else str(sub.form_version),
        counts=counts,
        computed=sub.get_computed() or None,
    )


def accepted_in_scope(regime_id: str, period: str, expected: list[str]) -> Any:
    """The accepted submissions of ``expected`` units, ordered by unit, without
    their history: an aggregate never reads it, and it grows with every save
    (reading it made a refresh over 50 units cost ~65 ms instead of ~20)."""
    return (
        Submission.objects(
            regime_id=regime_id,
            period_key=period,
            state=State.ACCEPTED.value,
            unit__in=expected,
        )
        .exclude("history")
        .order_by("unit")
    )


def combine(
    regime: Any,
    period: str,
    scope: str,
    *,
    submissions: list[Submission],
    expected: list[str],
    compiled: CompiledForm,
) -> PeriodAggregate:
    """The pure aggregate of ``submissions`` on the regime's form version.

    :raises baocao.schemas.AggregateError: mixed versions (AG002), bad rules...
    """
    target = None if regime.form_version is None else str(regime.form_version)
    result = aggregate(
        compiled,
        [unit_data(sub) for sub in submissions],
        expected_units=expected,
        form_version=target,
        calculator=_calculator(regime.form_id, regime.form_version, compiled),
    )
    included = tuple(
        {"unit": sub.unit, "id": str(sub.pk), "version": sub.version}
        for sub in submissions
    )
    return PeriodAggregate(str(regime.pk), period, scope, result, compiled, included)


def aggregate_period(
    regime_id: str,
    period: str,
    *,
    unit: str | None,
    load_form: FormLoader | None,
    now: datetime,
) -> PeriodAggregate:
    """Aggregate the accepted submissions of ``period`` within ``unit``'s scope.

    :raises AggregationUnavailableError: the form version cannot be loaded.
    :raises baocao.schemas.AggregateError: mixed versions, bad rules...
    """
    regime = config.get_regime(regime_id)
    scope = unit or regime.receiving_unit
    expected = units_in_scope(regime, scope, now)
    compiled = load_compiled(regime, load_form)
    return combine(
        regime,
        period,
        scope,
        submissions=list(accepted_in_scope(regime_id, period, expected)),
        expected=expected,
        compiled=compiled,
    )


def export_csv(found: PeriodAggregate) -> str:
    """Long-form CSV: the aggregate's cells (unit = the scope), then each unit's.

    Columns ``unit, period, sheet, cell, indicator, label, value``; the cell rows
    are the renderer's (sheet order, user text escaped), so a unit's rows read
    like its own export.
    """
    schema, layout, result = found.compiled.schema, found.compiled.layout, found.result
    blocks = [(found.unit, result.inputs, result.computed)]
    blocks += [
        (source.unit, source.data, result.unit_computed(source.unit))
        for source in result.sources
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for unit, data, computed in blocks:
        text = render_csv(schema, layout, data, computed).removeprefix(BOM)
        rows = list(csv.reader(io.StringIO(text)))[1:]
        writer.writerows([unit, found.period, *row] for row in rows)
    return BOM + buffer.getvalue()
