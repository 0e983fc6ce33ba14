"""Period keys, cut-off windows and deadlines (Nghị định 09/2019 Đ.12, DESIGN.md §6).

A period key names one reporting period of a regime: ``2026-W05`` (ISO week),
``2026-M03``, ``2026-Q1``, ``2026-H1``, ``2026-9M``, ``2026-Y`` or ``once``. Its
cut-off window (thời gian chốt số liệu) follows the regime's :class:`CutoffRule`;
its deadline (thời hạn gửi báo cáo) follows the :class:`DeadlineRule` and a
:class:`~baocao.platform.workflow.holidays.HolidayCalendar`. Windows are
inclusive date ranges; all dates are Vietnam local dates (UTC+7, no DST).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from baocao.platform.workflow.errors import PeriodError, WorkflowCode
from baocao.platform.workflow.holidays import HolidayCalendar, vietnam_calendar

__all__ = [
    "VIETNAM_TZ",
    "CutoffRule",
    "DeadlineRule",
    "Frequency",
    "HolidayCalendar",
    "PeriodKey",
    "Window",
    "deadline_for",
    "deadline_instant",
    "is_late",
    "keys_open_on",
    "parse_key",
    "vietnam_calendar",
    "window_for",
]

#: Vietnam has kept UTC+7 without daylight saving since 1975.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


class Frequency(StrEnum):
    """Tần suất thực hiện báo cáo (Đ.7)."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    NINE_MONTHS = "nine_months"
    YEAR = "year"
    ONCE = "once"


_EXAMPLES = {
    Frequency.WEEK: "2026-W05",
    Frequency.MONTH: "2026-M03",
    Frequency.QUARTER: "2026-Q1",
    Frequency.HALF_YEAR: "2026-H1",
    Frequency.NINE_MONTHS: "2026-9M",
    Frequency.YEAR: "2026-Y",
    Frequency.ONCE: "once",
}
_KEY_RE = re.compile(
    r"^(?P<year>\d{4})-(?:W(?P<w>\d{2})|M(?P<m>\d{2})|Q(?P<q>[1-4])"
    r"|H(?P<h>[12])|(?P<nine>9M)|(?P<y>Y))$"
)
#: How many indices each frequency has in a year (weeks are checked separately).
_COUNTS = {
    Frequency.MONTH: 12,
    Frequency.QUARTER: 4,
    Frequency.HALF_YEAR: 2,
    Frequency.NINE_MONTHS: 1,
    Frequency.YEAR: 1,
}


@dataclass(frozen=True, slots=True, order=True)
class PeriodKey:
    """One period: year, frequency and index within the year (1 for 9M, Y, once)."""

    year: int
    frequency: Frequency
    index: int = 1

    @property
    def key(self) -> str:
        """The canonical text form, e.g. ``2026-M03``."""
        if self.frequency == Frequency.ONCE:
            return "once"
        suffix = {
            Frequency.WEEK: f"W{self.index:02d}",
            Frequency.MONTH: f"M{self.index:02d}",
            Frequency.QUARTER: f"Q{self.index}",
            Frequency.HALF_YEAR: f"H{self.index}",
            Frequency.NINE_MONTHS: "9M",
            Frequency.YEAR: "Y",
        }[self.frequency]
        return f"{self.year:04d}-{suffix}"

    @property
    def months(self) -> tuple[int, int]:
        """First and last calendar month the period covers (not for weeks/once)."""
        first_last = {
            Frequency.MONTH: (self.index, self.index),
            Frequency.QUARTER: (3 * self.index - 2, 3 * self.index),
            Frequency.HALF_YEAR: (6 * self.index - 5, 6 * self.index),
            Frequency.NINE_MONTHS: (1, 9),
            Frequency.YEAR: (1, 12),
        }
        return first_last[self.frequency]

    def __str__(self) -> str:
        return self.key


def parse_key(text: str, frequency: Frequency | str | None = None) -> PeriodKey:
    """Parse a period key, optionally checking it matches the regime's frequency.

    :raises PeriodError: WF001 for a malformed key, WF002 for a frequency mismatch.
    """
    text = str(text).strip()
    if text == "once":
        parsed = PeriodKey(0, Frequency.ONCE, 1)
    else:
        parsed = _parse_dated(text)
    if frequency is not None and parsed.frequency != Frequency(frequency):
        wanted = Frequency(frequency)
        raise PeriodError(
            WorkflowCode.WF002,
            key=text,
            frequency=wanted.value,
            example=_EXAMPLES[wanted],
        )
    return parsed


def _parse_dated(text: str) -> PeriodKey:
    match = _KEY_RE.match(text)
    if match is None:
        raise PeriodError(WorkflowCode.WF001, key=text)
    year = int(match["year"])
    groups = (
        (Frequency.WEEK, match["w"]),
        (Frequency.MONTH, match["m"]),
        (Frequency.QUARTER, match["q"]),
        (Frequency.HALF_YEAR, match["h"]),
    )
    for frequency, index in groups:
        if index is not None:
            number = int(index)
            if number < 1 or number > _count(frequency, year) or year < 1:
                raise PeriodError(WorkflowCode.WF001, key=text)
            return PeriodKey(year, frequency, number)
    if year < 1:
        raise PeriodError(WorkflowCode.WF001, key=text)
    frequency = Frequency.NINE_MONTHS if match["nine"] else Frequency.YEAR
    return PeriodKey(year, frequency, 1)


def _count(frequency: Frequency, year: int) -> int:
    if frequency == Frequency.WEEK:
        return date(year, 12, 28).isocalendar().week
    return _COUNTS[frequency]


@dataclass(frozen=True, slots=True)
class Window:
    """Inclusive cut-off window: data from ``start`` to ``end`` (Vietnam dates)."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within the window."""
        return self.start <= day <= self.end

    def to_dict(self) -> dict[str, str]:
        """JSON-ready ``{"start", "end"}`` in ISO dates."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class CutoffRule:
    """How a regime cuts off its data (Đ.12 of Nghị định 09/2019 by default).

    ``start_day`` 15 is the ND 09 rule (from the 15th of the month before the
    period to the 14th of its last month); 1 gives calendar periods; any other
    day 2..28 is a custom rule of the same shape. Weeks are ISO weeks shifted to
    start on ``week_start`` (0 Monday … 6 Sunday): a window starting on Friday ends
    on the Thursday of the ISO week. ``windows`` gives explicit windows per key
    and takes precedence (needed for ``once``).
    """

    kind: str = "nd09"
    """``nd09``, ``calendar`` or ``custom``; documents where ``start_day`` came from."""
    start_day: int = 15
    """Day of month a window starts on (1 = calendar month)."""
    week_start: int = 0
    """First weekday of a weekly window."""
    windows: Mapping[str, Window] = field(default_factory=dict)
    """Explicit windows by period key."""

    def __post_init__(self) -> None:
        if self.kind not in {"nd09", "calendar", "custom"}:
            raise PeriodError(
                WorkflowCode.WF003, detail=f"loại quy tắc '{self.kind}' lạ"
            )
        if not 1 <= self.start_day <= 28:  # noqa: PLR2004 - every month has a 28th
            raise PeriodError(
                WorkflowCode.WF003, detail="ngày bắt đầu phải từ 1 đến 28"
            )
        if not 0 <= self.week_start <= 6:  # noqa: PLR2004 - weekday numbers
            raise PeriodError(
                WorkflowCode.WF003, detail="ngày đầu tuần phải từ 0 đến 6"
            )
        for key, window in self.windows.items():
            if window.end < window.start:
                raise PeriodError(
                    WorkflowCode.WF003, detail=f"kỳ '{key}' kết thúc trước khi bắt đầu"
                )

    @classmethod
    def nd09(cls) -> CutoffRule:
        """The default rule of Nghị định 09/2019 Đ.12."""
        return cls()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CutoffRule:
        """Build from ``{"kind", "start_day", "week_start", "windows"}``.

        ``windows`` maps a key to ``[start, end]`` ISO dates.
        """
        data = dict(data or {})
        kind = str(data.get("kind", "nd09"))
        default_day = {"nd09": 15, "calendar": 1}.get(kind, 15)
        try:
            start_day = int(data.get("start_day", default_day))
            week_start = int(data.get("week_start", 0))
            windows = {
                str(key): Window(
                    date.fromisoformat(pair[0]), date.fromisoformat(pair[1])
                )
                for key, pair in dict(data.get("windows", {})).items()
            }
        except (TypeError, ValueError, IndexError, KeyError) as err:
            raise PeriodError(
                WorkflowCode.WF003, detail="giá trị không đúng dạng"
            ) from err
        if kind == "nd09" and start_day != 15:  # noqa: PLR2004 - ND 09 Đ.12
            raise PeriodError(
                WorkflowCode.WF003, detail="quy tắc ND 09 bắt đầu ngày 15"
            )
        if kind == "calendar" and start_day != 1:
            raise PeriodError(WorkflowCode.WF003, detail="kỳ dương lịch bắt đầu ngày 1")
        return cls(kind, start_day, week_start, windows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the inverse of :meth:`from_dict`."""
        return {
            "kind": self.kind,
            "start_day": self.start_day,
            "week_start": self.week_start,
            "windows": {
                key: [w.start.isoformat(), w.end.isoformat()]
                for key, w in self.windows.items()
            },
        }


def window_for(period: PeriodKey | str, rule: CutoffRule | None = None) -> Window:
    """The cut-off window of a period under a rule (ND 09 by default).

    :raises PeriodError: WF001 for a bad key, WF005 for ``once`` without a window.
    """
    key = parse_key(period) if isinstance(period, str) else period
    rule = rule or CutoffRule()
    if key.key in rule.windows:
        return rule.windows[key.key]
    if key.frequency == Frequency.ONCE:
        raise PeriodError(WorkflowCode.WF005, key=key.key)
    if key.frequency == Frequency.WEEK:
        monday = date.fromisocalendar(key.year, key.index, 1)
        if rule.week_start == 0:
            return Window(monday, monday + timedelta(days=6))
        start = monday + timedelta(days=rule.week_start - 7)
        return Window(start, start + timedelta(days=6))
    first, last = key.months
    if rule.start_day == 1:
        end_day = calendar.monthrange(key.year, last)[1]
        return Window(date(key.year, first, 1), date(key.year, last, end_day))
    before_year, before_month = (
        (key.year - 1, 12) if first == 1 else (key.year, first - 1)
    )
    return Window(
        date(before_year, before_month, rule.start_day),
        date(key.year, last, rule.start_day - 1),
    )


def keys_open_on(
    frequency: Frequency | str, day: date, rule: CutoffRule | None = None
) -> list[PeriodKey]:
    """Periods of a frequency whose cut-off window contains ``day``.

    The scheduled job opens these (idempotently), so units can enter data while
    the window runs and finish it before the deadline.
    """
    frequency = Frequency(frequency)
    rule = rule or CutoffRule()
    if frequency == Frequency.ONCE:
        return []
    found = []
    for year in (day.year - 1, day.year, day.year + 1):
        for index in range(1, _count(frequency, year) + 1):
            key = PeriodKey(year, frequency, index)
            if window_for(key, rule).contains(day):
                found.append(key)
    return found


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """Thời hạn gửi báo cáo: day N of the period's last month, or N working days.

    Either way the deadline is at least one working day after the cut-off, and a
    deadline on a day off moves to the next working day (Bộ luật Dân sự Đ.148).
    """

    kind: str = "working_days_after_cutoff"
    """``day_of_last_month`` or ``working_days_after_cutoff``."""
    days: int = 5
    """N: the day of month, or the number of working days."""

    def __post_init__(self) -> None:
        if self.kind not in {"day_of_last_month", "working_days_after_cutoff"}:
            raise PeriodError(
                WorkflowCode.WF004, detail=f"loại thời hạn '{self.kind}' lạ"
            )
        upper = 31 if self.kind == "day_of_last_month" else 60
        if not 1 <= self.days <= upper:
            raise PeriodError(
                WorkflowCode.WF004, detail=f"số ngày phải từ 1 đến {upper}"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> DeadlineRule:
        """Build from ``{"kind", "days"}``."""
        data = dict(data or {})
        try:
            days = int(data.get("days", 5))
        except (TypeError, ValueError) as err:
            raise PeriodError(
                WorkflowCode.WF004, detail="số ngày phải là số nguyên"
            ) from err
        return cls(str(data.get("kind", "working_days_after_cutoff")), days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the inverse of :meth:`from_dict`."""
        return {"kind": self.kind, "days": self.days}


def deadline_for(
    window: Window, rule: DeadlineRule, holidays: HolidayCalendar | None = None
) -> date:
    """The last day a submission is on time (Vietnam date, inclusive).

    :param window: the period's cut-off window.
    :param rule: the regime's deadline rule.
    :param holidays: the working-day calendar; the shipped Vietnamese one if None.
    """
    holidays = holidays if holidays is not None else vietnam_calendar()
    earliest = holidays.add_working_days(window.end, 1)
    if rule.kind == "working_days_after_cutoff":
        return holidays.add_working_days(window.end, rule.days)
    end = window.end
    day = min(rule.days, calendar.monthrange(end.year, end.month)[1])
    candidate = holidays.on_or_after(date(end.year, end.month, day))
    return max(candidate, earliest)


def deadline_instant(deadline: date) -> datetime:
    """The first late instant (UTC): midnight after the deadline, Vietnam time."""
    local = datetime.combine(
        deadline + timedelta(days=1), datetime.min.time(), VIETNAM_TZ
    )
    return local.astimezone(UTC)


def is_late(submitted_at: datetime | None, deadline: date, now: datetime) -> bool:
    """Late = submitted after the deadline, or not yet submitted and past it.

    Naive datetimes are taken as UTC (MongoDB returns naive UTC datetimes).
    """
    moment = submitted_at if submitted_at is not None else now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment >= deadline_instant(deadline)
