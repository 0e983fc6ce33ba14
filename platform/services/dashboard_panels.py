"""The four panel kinds of a dashboard (Đ.3.7), one builder each.

A builder takes the panel's configuration, the page's filters and the viewer
and returns a :class:`PanelData`: what Chart.js draws (labels, datasets) and the
same numbers as a table (columns, rows) for the CSV export and the table panel.
Numbers stay plain floats here; the browser formats them the Vietnamese way
(``1.234,5``) and the CSV keeps a decimal point for spreadsheets and scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from baocao.platform.models.workflow import Period, Regime
from baocao.platform.services import report_progress
from baocao.platform.services.indicator_series import (
    Filters,
    Series,
    Source,
    Viewer,
    series,
    unit_names,
)
from baocao.platform.services.indicator_values import stored_values
from baocao.platform.services.workhours import utc_naive
from baocao.platform.workflow.periods import deadline_instant
from baocao.platform.workflow.transitions import State

#: Panel kinds and their Vietnamese names (the configuration page's choices).
PANEL_KINDS = {
    "indicator_time": "Chỉ tiêu theo thời gian",
    "units_ranked": "Xếp hạng đơn vị trong một kỳ",
    "completeness": "Tỷ lệ đầy đủ / đúng hạn theo kỳ",
    "table": "Bảng số liệu đơn vị × kỳ",  # noqa: RUF001 - the Vietnamese label
}


@dataclass(frozen=True, slots=True)
class PanelData:
    """One panel's numbers, for the chart and for the table/CSV."""

    kind: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    labels: list[str] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    chart: str = "line"
    """Chart.js type: ``line`` or ``bar``; ``table`` draws no chart."""
    horizontal: bool = False
    percent: bool = False
    unit_of_measure: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the dashboard page's script."""
        return {
            "kind": self.kind,
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "labels": self.labels,
            "datasets": self.datasets,
            "chart": self.chart,
            "horizontal": self.horizontal,
            "percent": self.percent,
            "unit_of_measure": self.unit_of_measure,
        }


def _value_label(found: Series) -> str:
    measure = found.indicator.unit_of_measure
    return f"{found.indicator.name} ({measure})" if measure else found.indicator.name


def _title(panel: Mapping[str, Any], default: str) -> str:
    return str(panel.get("title") or "") or default


def indicator_time(
    panel: Mapping[str, Any],
    filters: Filters,
    viewer: Viewer,
    source: Source = stored_values,
) -> PanelData:
    """The indicator over the periods of the range, combined over the unit subtree."""
    found = series(panel["indicator"], filters, viewer=viewer, source=source)
    periods = found.periods
    totals = [found.totals[p] for p in periods]
    return PanelData(
        kind="indicator_time",
        title=_title(panel, found.indicator.name),
        columns=["Kỳ", _value_label(found), "Số đơn vị có số liệu"],
        rows=[[p, found.totals[p], len(found.values[p])] for p in periods],
        labels=periods,
        datasets=[{"label": found.indicator.name, "data": totals}],
        chart="line",
        unit_of_measure=found.indicator.unit_of_measure,
    )


def units_ranked(
    panel: Mapping[str, Any],
    filters: Filters,
    viewer: Viewer,
    source: Source = stored_values,
) -> PanelData:
    """Units ranked by the indicator in the range's last period that has values."""
    found = series(panel["indicator"], filters, viewer=viewer, source=source)
    period = found.periods[-1] if found.periods else ""
    values = found.values.get(period, {})
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[
        : panel.get("top", 15)
    ]
    names = unit_names([code for code, _ in ranked])
    return PanelData(
        kind="units_ranked",
        title=_title(panel, f"{found.indicator.name} — xếp hạng")
        + (f" ({period})" if period else ""),
        columns=["Hạng", "Mã đơn vị", "Đơn vị", _value_label(found)],
        rows=[[i + 1, code, names[code], v] for i, (code, v) in enumerate(ranked)],
        labels=[names[code] for code, _ in ranked],
        datasets=[
            {
                "label": f"{found.indicator.name} {period}",
                "data": [v for _, v in ranked],
            }
        ],
        chart="bar",
        horizontal=True,
        unit_of_measure=found.indicator.unit_of_measure,
    )


def table(
    panel: Mapping[str, Any],
    filters: Filters,
    viewer: Viewer,
    source: Source = stored_values,
) -> PanelData:
    """Units x periods, with the combined value of the subtree as the last row."""
    found = series(panel["indicator"], filters, viewer=viewer, source=source)
    periods, units = found.periods, found.units
    names = unit_names(units)
    rows: list[list[Any]] = [
        [code, names[code], *(found.values[p].get(code) for p in periods)]
        for code in units
    ]
    rows.append(["", "Tổng hợp", *(found.totals[p] for p in periods)])
    return PanelData(
        kind="table",
        title=_title(panel, f"{found.indicator.name} — bảng số liệu"),
        columns=["Mã đơn vị", "Đơn vị", *periods],
        rows=rows,
        chart="table",
        unit_of_measure=found.indicator.unit_of_measure,
    )


def completeness(
    panel: Mapping[str, Any], filters: Filters, viewer: Viewer
) -> PanelData:
    """Per period of the regime: units due, accepted, on time, and the two rates."""
    regime = Regime.objects(id=panel["regime"]).only("name").first()
    query: dict[str, Any] = {"regime_id": panel["regime"]}
    if filters.start:
        query["key__gte"] = filters.start
    if filters.end:
        query["key__lte"] = filters.end
    scope, allowed = filters.scope(), viewer.allowed(panel["regime"])
    found = list(Period.objects(**query).order_by("key"))
    counts = {p.key: [0, 0, 0] for p in found}
    # first late instant per period, naive UTC like the stored times (is_late's rule)
    first_late = {
        p.key: deadline_instant(date.fromisoformat(p.effective_deadline())).replace(
            tzinfo=None
        )
        for p in found
    }
    for key, entries in report_progress.progress(panel["regime"], counts).items():
        row = counts[key]
        for unit, entry in entries.items():
            if (scope is not None and unit not in scope) or (
                allowed is not None and unit not in allowed
            ):
                continue
            submitted = entry.get("submitted_at")
            row[0] += 1
            row[1] += entry.get("state") == State.ACCEPTED.value
            row[2] += submitted is not None and utc_naive(submitted) < first_late[key]
    rows = [
        [key, due, done, on_time, _rate(done, due), _rate(on_time, due)]
        for key, (due, done, on_time) in counts.items()
    ]
    return PanelData(
        kind="completeness",
        title=_title(panel, f"Đầy đủ và đúng hạn — {regime.name if regime else ''}"),
        columns=[
            "Kỳ",
            "Phải báo cáo",
            "Đã tiếp nhận",
            "Nộp đúng hạn",
            "Tỷ lệ đầy đủ (%)",
            "Tỷ lệ đúng hạn (%)",
        ],
        rows=rows,
        labels=[r[0] for r in rows],
        datasets=[
            {"label": "Tỷ lệ đầy đủ (%)", "data": [r[4] for r in rows]},
            {"label": "Tỷ lệ đúng hạn (%)", "data": [r[5] for r in rows]},
        ],
        chart="bar",
        percent=True,
        unit_of_measure="%",
    )


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


#: Kinds drawn from indicator values (they take a ``source``: projection or scan).
INDICATOR_KINDS = frozenset({"indicator_time", "units_ranked", "table"})
BUILDERS: dict[str, Callable[..., PanelData]] = {
    "indicator_time": indicator_time,
    "units_ranked": units_ranked,
    "completeness": completeness,
    "table": table,
}
