"""Working-day calendar: weekends, public holidays and make-up working Saturdays.

Vietnamese public holidays (Bộ luật Lao động 2019 Đ.112) depend on the lunar
calendar and on the Government's yearly decision for civil servants (nghỉ bù,
làm bù), so they are data, not code: ``holidays_vn.json`` ships the known years
and an installation can replace or extend it (``HolidayCalendar.from_dict``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

from baocao.platform.workflow.errors import PeriodError, WorkflowCode

#: Saturday and Sunday (``date.weekday()`` numbering).
DEFAULT_WEEKEND = frozenset({5, 6})
#: Guard against a calendar with no working day at all (an infinite search).
_MAX_SEARCH_DAYS = 3660


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """Which days are working days for the offices that report."""

    holidays: frozenset[date] = frozenset()
    """Days off besides the weekend (public holidays and compensation days)."""
    extra_working_days: frozenset[date] = frozenset()
    """Weekend days that are working days (làm bù)."""
    weekend: frozenset[int] = field(default=DEFAULT_WEEKEND)
    """Weekdays off every week, ``date.weekday()`` numbering."""

    def is_working_day(self, day: date) -> bool:
        """Whether offices work on ``day``."""
        if day in self.extra_working_days:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def on_or_after(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next working day.

        A deadline that falls on a day off ends on the next working day (Bộ luật
        Dân sự 2015 Đ.148).
        """
        for offset in range(_MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise PeriodError(WorkflowCode.WF004, detail="lịch không có ngày làm việc nào")

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day strictly after ``day`` (``count`` ≥ 1)."""
        if count < 1:
            raise PeriodError(
                WorkflowCode.WF004, detail="số ngày làm việc phải lớn hơn hoặc bằng 1"
            )
        current = day
        for _ in range(count):
            current = self.on_or_after(current + timedelta(days=1))
        return current

    def merged(self, other: HolidayCalendar) -> HolidayCalendar:
        """A calendar with the days off and make-up days of both."""
        return HolidayCalendar(
            holidays=self.holidays | other.holidays,
            extra_working_days=self.extra_working_days | other.extra_working_days,
            weekend=self.weekend,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HolidayCalendar:
        """Build from ``{"holidays": ["2026-04-30"], "extra_working_days": [...]}``.

        Also accepts the shipped file's shape ``{"years": {"2026": {...}}}``.
        """
        holidays: set[date] = set()
        extra: set[date] = set()
        parts = list(data.get("years", {}).values()) if "years" in data else [data]
        for part in parts:
            holidays |= _dates(part.get("holidays", ()))
            extra |= _dates(part.get("extra_working_days", ()))
        weekend = frozenset(int(d) for d in data.get("weekend", DEFAULT_WEEKEND))
        return cls(frozenset(holidays), frozenset(extra), weekend)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the inverse of :meth:`from_dict`."""
        return {
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "extra_working_days": sorted(
                d.isoformat() for d in self.extra_working_days
            ),
            "weekend": sorted(self.weekend),
        }


def _dates(values: Iterable[Any]) -> set[date]:
    result = set()
    for value in values:
        text = value["date"] if isinstance(value, Mapping) else value
        try:
            result.add(date.fromisoformat(str(text)))
        except ValueError as err:
            raise PeriodError(
                WorkflowCode.WF004,
                detail=f"ngày nghỉ '{text}' không đúng dạng YYYY-MM-DD",
            ) from err
    return result


def vietnam_calendar() -> HolidayCalendar:
    """The shipped Vietnamese holiday calendar (``holidays_vn.json``)."""
    text = (
        resources.files("baocao.platform.workflow")
        .joinpath("holidays_vn.json")
        .read_text(encoding="utf-8")
    )
    return HolidayCalendar.from_dict(json.loads(text))
