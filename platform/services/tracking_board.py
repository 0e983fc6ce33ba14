"""The tracking board's filters, totals and exports, and a unit's history.

Đ.5.2g, Đ.15.2c: for a regime and period, units by state with the late ones
marked and the on-time rate; filters by state, lateness, unit kind and parent
unit; the same rows as CSV or .xlsx; and one unit's record across periods.
Rows come from :func:`baocao.platform.services.workflow_tracking.status`, plus
one query for the units' names, kinds and parents.

Exported text that a spreadsheet would evaluate (a unit name starting with
``=``, ``+``, ``-`` or ``@``) is escaped with
:func:`baocao.renderers.escape_formula_text`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from baocao.platform.models import Unit
from baocao.platform.models.workflow import Period, Submission
from baocao.platform.services.workflow_config import get_regime
from baocao.platform.services.workflow_tracking import StatusRow, status
from baocao.platform.services.workhours import as_local
from baocao.platform.workflow.periods import is_late
from baocao.platform.workflow.transitions import STATE_NAMES, State
from baocao.renderers import escape_formula_text

HEADER = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Trạng thái",
    "Bước đang chờ",
    "Nộp lúc (giờ Việt Nam)",
    "Trễ hạn",
)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the board shows; empty strings mean "any"."""

    state: str = ""
    late: str = ""
    """``"1"`` only late units, ``"0"`` only on-time ones."""
    kind: str = ""
    parent: str = ""

    def keeps(self, row: StatusRow, unit: Unit | None) -> bool:
        """Whether ``row`` passes every filter."""
        if self.state and row.state != self.state:
            return False
        if self.late and row.late != (self.late == "1"):
            return False
        if self.kind and (unit is None or unit.kind != self.kind):
            return False
        return not self.parent or (unit is not None and unit.parent == self.parent)


@dataclass(frozen=True, slots=True)
class BoardRow:
    """A status row with its unit's name, kind and parent."""

    row: StatusRow
    name: str
    kind: str
    parent: str


@dataclass(frozen=True, slots=True)
class Board:
    """The board of one period: shown rows and totals over every unit."""

    rows: tuple[BoardRow, ...]
    total: int
    submitted: int
    on_time: int
    late: int
    pending: int
    """Units whose report still waits at data entry (the ones "Nhắc nhở" reminds)."""
    parents: tuple[tuple[str, str], ...]
    """(code, name) of the reporting units' parents, for the parent filter."""

    @property
    def on_time_rate(self) -> float | None:
        """On-time submissions over all units (None when there is no unit)."""
        return self.on_time / self.total if self.total else None


def board(regime_id: str, key: str, filters: Filters, *, now: datetime) -> Board:
    """The rows passing ``filters`` and the period's totals."""
    rows = status(regime_id, key, now=now)
    units = {
        u.code: u
        for u in Unit.objects(code__in=[r.unit for r in rows]).only(
            "code", "name", "kind", "parent"
        )
    }
    parent_codes = sorted({u.parent for u in units.values() if u.parent})
    parents = tuple(
        (u.code, u.name)
        for u in Unit.objects(code__in=parent_codes)
        .only("code", "name")
        .order_by("code")
    )
    shown = tuple(
        BoardRow(
            r,
            getattr(u, "name", ""),
            getattr(u, "kind", ""),
            getattr(u, "parent", "") or "",
        )
        for r in rows
        if filters.keeps(r, u := units.get(r.unit))
    )
    submitted = [r for r in rows if r.submitted_at is not None]
    return Board(
        rows=shown,
        total=len(rows),
        submitted=len(submitted),
        on_time=sum(1 for r in submitted if not r.late),
        late=sum(1 for r in rows if r.late),
        pending=sum(1 for r in rows if r.step == 0),
        parents=parents,
    )


def state_name(state: str) -> str:
    """The Vietnamese name of a submission state."""
    return (
        STATE_NAMES.get(State(state), state)
        if state in State._value2member_map_
        else state
    )


def local_time(moment: datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam time, or empty."""
    return as_local(moment).strftime("%d/%m/%Y %H:%M") if moment is not None else ""


def table(found: Board) -> list[list[str]]:
    """The shown rows as text cells (header first), escaped for spreadsheets."""
    lines = [list(HEADER)]
    for item in found.rows:
        r = item.row
        lines.append(
            [
                escape_formula_text(r.unit),
                escape_formula_text(item.name),
                state_name(r.state),
                escape_formula_text(r.step_name),
                local_time(r.submitted_at),
                "có" if r.late else "không",
            ]
        )
    return lines


def to_csv(lines: list[list[str]]) -> str:
    """CSV with a BOM, so that Excel opens the Vietnamese text as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return "\ufeff" + buffer.getvalue()


def to_xlsx(lines: list[list[str]], title: str) -> bytes:
    """One sheet, header in bold, every cell a string (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"
            if r == 1:
                cell.font = Font(bold=True)
    for c, width in enumerate((12, 36, 16, 28, 20, 10), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One period of one unit's record."""

    period: str
    deadline: str
    submission_id: str | None
    state: str
    submitted_at: datetime | None
    late: bool


def unit_history(regime_id: str, unit: str, *, now: datetime) -> list[HistoryRow]:
    """The unit's state, submission time and lateness in every opened period,
    newest period first (a period opened before the unit reported shows "—")."""
    regime = get_regime(regime_id)
    subs = {
        s.period_key: s
        for s in Submission.objects(regime_id=str(regime.pk), unit=unit).only(
            "id", "period_key", "state", "submitted_at"
        )
    }
    found = []
    for period in Period.objects(regime_id=str(regime.pk)).order_by("-key"):
        deadline = period.effective_deadline()
        sub = subs.get(period.key)
        found.append(
            HistoryRow(
                period=period.key,
                deadline=deadline,
                submission_id=str(sub.pk) if sub else None,
                state=sub.state if sub else "",
                submitted_at=sub.submitted_at if sub else None,
                late=bool(sub)
                and is_late(sub.submitted_at, date.fromisoformat(deadline), now),
            )
        )
    return found


def history_table(rows: list[HistoryRow]) -> list[list[Any]]:
    """The history as text cells, header first."""
    lines: list[list[Any]] = [["Kỳ", "Thời hạn", "Trạng thái", "Nộp lúc", "Trễ hạn"]]
    lines += [
        [
            r.period,
            r.deadline,
            state_name(r.state) if r.state else "—",
            local_time(r.submitted_at),
            "có" if r.late else "không",
        ]
        for r in rows
    ]
    return lines
