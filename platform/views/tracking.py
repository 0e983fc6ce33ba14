"""The tracking board page and a unit's history (rendered for ``RegimesView``).

Thin: read the filters from the query string, ask
:mod:`baocao.platform.services.tracking_board`, render or send the export.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.models.workflow import Regime
from baocao.platform.services import access
from baocao.platform.services import tracking_board as boards
from baocao.platform.services import workflow as service
from baocao.platform.views.labels import UNIT_KIND_LABELS
from baocao.platform.views.workflow import _now, _state_name, _user, local_text
from baocao.platform.workflow.transitions import State
from flask import Response, request

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_at_receiving(
    regime: Regime, action: access.Action = access.Action.REPORT_VIEW
) -> bool:
    """Whether the user may take ``action`` at the regime's receiving unit."""
    return access.can(
        _user(), action, unit=regime.receiving_unit, regime=str(regime.pk), now=_now()
    )


def may_remind(regime: Regime) -> bool:
    """Reminding is the receiving unit's: its aggregators (Đ.15.2c)."""
    return can_at_receiving(regime, access.Action.REPORT_AGGREGATE)


def _filters() -> boards.Filters:
    args = request.args
    return boards.Filters(
        state=args.get("state", ""),
        late=args.get("late", ""),
        kind=args.get("kind", ""),
        parent=args.get("parent", ""),
    )


def _download(lines: list[list[str]], name: str, title: str) -> Response:
    if request.args.get("format") == "xlsx":
        return Response(
            boards.to_xlsx(lines, title),
            mimetype=XLSX_TYPE,
            headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
        )
    return Response(
        boards.to_csv(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )


def tracking_page(view: Any, regime: Regime, period: str) -> Any:
    """Units by state for one period, filtered; CSV or .xlsx with ``format=``."""
    filters = _filters()
    found = boards.board(str(regime.pk), period, filters, now=_now())
    if request.args.get("format") in ("csv", "xlsx"):
        return _download(boards.table(found), f"theo-doi-{period}", period)
    query = {k: v for k, v in vars_of(filters).items() if v}
    return view.render_template(
        "baocao/workflow/tracking.html",
        regime=regime,
        period=period,
        board=found,
        filters=filters,
        query=query,
        deadline=service.get_period(str(regime.pk), period).effective_deadline(),
        may_remind=may_remind(regime),
        state_name=_state_name,
        local_text=local_text,
        kinds=list(UNIT_KIND_LABELS.items()),
        states=[s.value for s in State],
    )


def vars_of(filters: boards.Filters) -> dict[str, str]:
    """The filters as query-string values."""
    return {
        "state": filters.state,
        "late": filters.late,
        "kind": filters.kind,
        "parent": filters.parent,
    }


def history_page(view: Any, regime: Regime, unit: str) -> Any:
    """One unit across the regime's periods (state, submission time, late)."""
    rows = boards.unit_history(str(regime.pk), unit, now=_now())
    if request.args.get("format") in ("csv", "xlsx"):
        lines = boards.history_table(rows)
        return _download(lines, f"lich-su-{unit}", unit)
    return view.render_template(
        "baocao/workflow/unit_history.html",
        regime=regime,
        unit=unit,
        rows=rows,
        state_name=_state_name,
        local_text=local_text,
    )
