"""Working-hours arithmetic for the support clock (Đ.20.1) and notices (Đ.20.3).

Pure functions over datetimes: the caller passes ``now``. Times are stored as
naive UTC (what MongoDB gives back); the office day is counted in Vietnam's
time zone (UTC+7 all year, no daylight saving).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

#: Vietnam's civil time (Asia/Ho_Chi_Minh has no daylight saving).
VIETNAM = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Office hours of the operating agency.

    The default is the usual office day of Đồng Tháp's agencies: Monday to
    Friday, 07:00-11:30 and 13:30-17:00 local time.
    """

    periods: tuple[tuple[time, time], ...] = (
        (time(7, 0), time(11, 30)),
        (time(13, 30), time(17, 0)),
    )
    """Working periods of one day, in order, local time."""
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    """Working days as ``date.weekday()`` numbers (Monday is 0)."""
    holidays: frozenset[date] = field(default_factory=frozenset)
    """Public holidays and compensatory days off."""

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` has office hours."""
        return day.weekday() in self.weekdays and day not in self.holidays


DEFAULT_CALENDAR = WorkingCalendar()


def utc_naive(moment: datetime) -> datetime:
    """Return ``moment`` as naive UTC; a naive input is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def as_local(moment: datetime) -> datetime:
    """Return ``moment`` (naive UTC or aware) in Vietnam's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM)


def _day_windows(day: date, cal: WorkingCalendar) -> list[tuple[datetime, datetime]]:
    if not cal.is_working_day(day):
        return []
    return [
        (datetime.combine(day, start, VIETNAM), datetime.combine(day, end, VIETNAM))
        for start, end in cal.periods
    ]


def add_working_hours(
    start: datetime, hours: float, cal: WorkingCalendar = DEFAULT_CALENDAR
) -> datetime:
    """Return the moment ``hours`` working hours after ``start`` (naive UTC).

    A request filed outside office hours starts counting at the next period.

    :raises ValueError: when the calendar has no working time at all.
    """
    if not cal.periods or not cal.weekdays:
        raise ValueError("the working calendar has no working time")
    remaining = timedelta(hours=hours)
    local = as_local(start)
    day = local.date()
    for _ in range(3660):  # ten years of days: far beyond any real deadline
        for begin, end in _day_windows(day, cal):
            if end <= local:
                continue
            opening = max(begin, local)
            if opening + remaining <= end:
                return utc_naive(opening + remaining)
            remaining -= end - opening
        day += timedelta(days=1)
    raise ValueError("the working calendar has no working day within ten years")


def working_hours_between(
    start: datetime, end: datetime, cal: WorkingCalendar = DEFAULT_CALENDAR
) -> float:
    """Working hours from ``start`` to ``end``; negative when ``end`` is earlier."""
    low, high = as_local(start), as_local(end)
    if high < low:
        return -working_hours_between(end, start, cal)
    total = timedelta()
    day = low.date()
    while day <= high.date():
        for begin, stop in _day_windows(day, cal):
            overlap = min(stop, high) - max(begin, low)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 3600
