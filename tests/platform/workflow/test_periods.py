"""Period keys, cut-off windows and deadlines (DESIGN.md §6, Nghị định 09/2019 Đ.12)."""

# ruff: noqa: E501 - expected Vietnamese messages are quoted whole, on one line
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from baocao.platform.workflow.errors import PeriodError, WorkflowCode
from baocao.platform.workflow.holidays import HolidayCalendar, vietnam_calendar
from baocao.platform.workflow.periods import (
    CutoffRule,
    DeadlineRule,
    Frequency,
    PeriodKey,
    Window,
    deadline_for,
    deadline_instant,
    is_late,
    keys_open_on,
    parse_key,
    window_for,
)

D = date.fromisoformat
#: No holidays: only weekends are days off; deadlines are then easy to read.
PLAIN = HolidayCalendar()


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        # the five examples of DESIGN.md §6, verbatim
        ("2026-M03", "2026-02-15", "2026-03-14"),
        ("2026-Q1", "2025-12-15", "2026-03-14"),
        ("2026-H1", "2025-12-15", "2026-06-14"),
        ("2026-9M", "2025-12-15", "2026-09-14"),
        ("2026-Y", "2025-12-15", "2026-12-14"),
        # year boundaries and the other indices
        ("2026-M01", "2025-12-15", "2026-01-14"),
        ("2026-M12", "2026-11-15", "2026-12-14"),
        ("2026-Q2", "2026-03-15", "2026-06-14"),
        ("2026-Q3", "2026-06-15", "2026-09-14"),
        ("2026-Q4", "2026-09-15", "2026-12-14"),
        ("2026-H2", "2026-06-15", "2026-12-14"),
        ("2024-M03", "2024-02-15", "2024-03-14"),
        ("2027-Y", "2026-12-15", "2027-12-14"),
        # ISO weeks, Monday to Sunday, across the new year
        ("2026-W05", "2026-01-26", "2026-02-01"),
        ("2026-W01", "2025-12-29", "2026-01-04"),
        ("2026-W53", "2026-12-28", "2027-01-03"),
        ("2021-W01", "2021-01-04", "2021-01-10"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v[5:6].isdigit() else None,
)
def test_nd09_windows(key: str, start: str, end: str) -> None:
    """WF-P01: the default rule is Nghị định 09/2019 Đ.12 (15th of the month before → 14th)."""
    assert window_for(key) == Window(D(start), D(end))
    assert window_for(parse_key(key)) == window_for(key)


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2026-M03", "2026-03-01", "2026-03-31"),
        ("2024-M02", "2024-02-01", "2024-02-29"),
        ("2026-M02", "2026-02-01", "2026-02-28"),
        ("2026-Q1", "2026-01-01", "2026-03-31"),
        ("2026-Q4", "2026-10-01", "2026-12-31"),
        ("2026-H2", "2026-07-01", "2026-12-31"),
        ("2026-9M", "2026-01-01", "2026-09-30"),
        ("2026-Y", "2026-01-01", "2026-12-31"),
        ("2026-W01", "2025-12-29", "2026-01-04"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v[5:6].isdigit() else None,
)
def test_calendar_windows(key: str, start: str, end: str) -> None:
    """WF-P02: calendar periods run from the 1st to the last day of the month."""
    rule = CutoffRule.from_dict({"kind": "calendar"})
    assert window_for(key, rule) == Window(D(start), D(end))


def test_custom_start_day_and_weekly_rule() -> None:
    """WF-P03: a custom start day shifts every window; weeks may start on Friday."""
    rule = CutoffRule.from_dict({"kind": "custom", "start_day": 20, "week_start": 4})
    assert window_for("2026-M01", rule) == Window(D("2025-12-20"), D("2026-01-19"))
    assert window_for("2026-Q3", rule) == Window(D("2026-06-20"), D("2026-09-19"))
    # Friday before ISO week 5 of 2026 → Thursday of that week
    assert window_for("2026-W05", rule) == Window(D("2026-01-23"), D("2026-01-29"))
    assert window_for("2026-W01", rule) == Window(D("2025-12-26"), D("2026-01-01"))
    sunday = CutoffRule(week_start=6)
    assert window_for("2026-W05", sunday) == Window(D("2026-01-25"), D("2026-01-31"))


def test_explicit_windows_and_once() -> None:
    """WF-P04: explicit windows (custom rule) take precedence; ``once`` needs one."""
    rule = CutoffRule.from_dict(
        {
            "windows": {
                "once": ["2026-05-01", "2026-05-31"],
                "2026-M03": ["2026-02-10", "2026-03-10"],
            }
        }
    )
    assert window_for("once", rule) == Window(D("2026-05-01"), D("2026-05-31"))
    assert window_for("2026-M03", rule) == Window(D("2026-02-10"), D("2026-03-10"))
    assert window_for("2026-M04", rule) == Window(D("2026-03-15"), D("2026-04-14"))
    with pytest.raises(PeriodError) as caught:
        window_for("once")
    assert caught.value.code == "WF005"
    assert caught.value.message == WorkflowCode.WF005.format(key="once")
    assert CutoffRule.from_dict(rule.to_dict()) == rule


@pytest.mark.parametrize(
    "key",
    [
        "2026-M13",
        "2026-M00",
        "2026-Q5",
        "2026-H3",
        "2025-W53",
        "2026-W00",
        "26-M03",
        "2026-m03",
        "2026-8M",
        "2026-M3",
        "",
        "2026",
    ],
)
def test_bad_keys(key: str) -> None:
    """WF-P05: malformed keys are refused with WF001 and a fixing hint."""
    with pytest.raises(PeriodError) as caught:
        parse_key(key)
    assert caught.value.message == WorkflowCode.WF001.format(key=key)
    assert caught.value.http_status == 422


def test_key_must_match_the_frequency() -> None:
    """WF-P06: a month key for a quarterly regime names the expected shape."""
    with pytest.raises(PeriodError) as caught:
        parse_key("2026-M03", Frequency.QUARTER)
    assert caught.value.message == WorkflowCode.WF002.format(
        key="2026-M03", frequency="quarter", example="2026-Q1"
    )
    assert parse_key("2026-Q1", "quarter") == PeriodKey(2026, Frequency.QUARTER, 1)
    assert parse_key("once", "once").key == "once"


@pytest.mark.parametrize(
    "key", ["2026-W05", "2026-M03", "2026-Q1", "2026-H1", "2026-9M", "2026-Y", "once"]
)
def test_keys_round_trip(key: str) -> None:
    assert parse_key(key).key == key
    assert str(parse_key(key)) == key


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ({"kind": "weird"}, "loại quy tắc 'weird' lạ"),
        ({"kind": "custom", "start_day": 31}, "ngày bắt đầu phải từ 1 đến 28"),
        ({"kind": "custom", "week_start": 7}, "ngày đầu tuần phải từ 0 đến 6"),
        ({"kind": "nd09", "start_day": 10}, "quy tắc ND 09 bắt đầu ngày 15"),
        ({"kind": "calendar", "start_day": 5}, "kỳ dương lịch bắt đầu ngày 1"),
        (
            {"windows": {"once": ["2026-05-31", "2026-05-01"]}},
            "kỳ 'once' kết thúc trước khi bắt đầu",
        ),
        (
            {"windows": {"once": ["not a date", "2026-05-01"]}},
            "giá trị không đúng dạng",
        ),
    ],
)
def test_bad_cutoff_rules(data: dict, detail: str) -> None:
    with pytest.raises(PeriodError) as caught:
        CutoffRule.from_dict(data)
    assert caught.value.message == WorkflowCode.WF003.format(detail=detail)


def test_keys_open_on() -> None:
    """WF-P07: the scheduled job opens the periods whose window contains today."""
    assert [k.key for k in keys_open_on("month", D("2026-03-14"))] == ["2026-M03"]
    assert [k.key for k in keys_open_on("month", D("2026-03-15"))] == ["2026-M04"]
    assert [k.key for k in keys_open_on("month", D("2025-12-20"))] == ["2026-M01"]
    assert [k.key for k in keys_open_on("quarter", D("2025-12-15"))] == ["2026-Q1"]
    assert [k.key for k in keys_open_on("year", D("2026-12-15"))] == ["2027-Y"]
    assert [k.key for k in keys_open_on("nine_months", D("2026-10-01"))] == []
    assert [k.key for k in keys_open_on("week", D("2026-01-01"))] == ["2026-W01"]
    assert keys_open_on("once", D("2026-01-01")) == []


@pytest.mark.parametrize(
    ("key", "rule", "expected"),
    [
        # N working days after the cut-off, weekends skipped
        ("2026-M03", {"days": 1}, "2026-03-16"),  # cut-off Sat 14 → Mon 16
        ("2026-M03", {"days": 5}, "2026-03-20"),
        ("2026-M04", {"days": 1}, "2026-04-15"),  # cut-off Tue 14 → Wed 15
        ("2026-Y", {"days": 3}, "2026-12-17"),
        ("2026-W05", {"days": 2}, "2026-02-03"),
        # day N of the last month
        ("2026-M03", {"kind": "day_of_last_month", "days": 20}, "2026-03-20"),
        (
            "2026-M03",
            {"kind": "day_of_last_month", "days": 21},
            "2026-03-23",
        ),  # Sat → Mon
        (
            "2026-M02",
            {"kind": "day_of_last_month", "days": 31},
            "2026-03-02",
        ),  # 28 Sat → Mon
        # never less than one working day after the cut-off
        ("2026-M03", {"kind": "day_of_last_month", "days": 10}, "2026-03-16"),
        ("2026-M03", {"kind": "day_of_last_month", "days": 14}, "2026-03-16"),
        ("2026-Q1", {"kind": "day_of_last_month", "days": 16}, "2026-03-16"),
    ],
)
def test_deadlines_without_holidays(key: str, rule: dict, expected: str) -> None:
    """WF-P08: deadline rules on a plain Monday-Friday calendar."""
    assert deadline_for(window_for(key), DeadlineRule.from_dict(rule), PLAIN) == D(
        expected
    )


def test_deadlines_with_holidays_and_make_up_days() -> None:
    """WF-P09: holidays are skipped, make-up Saturdays count as working days."""
    calendar = HolidayCalendar.from_dict(
        {
            "holidays": ["2026-03-16", "2026-03-17", "2026-03-20"],
            "extra_working_days": ["2026-03-21"],
        }
    )
    window = window_for("2026-M03")
    assert deadline_for(window, DeadlineRule(days=1), calendar) == D("2026-03-18")
    assert deadline_for(window, DeadlineRule(days=3), calendar) == D("2026-03-21")
    assert deadline_for(window, DeadlineRule(days=4), calendar) == D("2026-03-23")
    day_rule = DeadlineRule("day_of_last_month", 16)
    assert deadline_for(window, day_rule, calendar) == D("2026-03-18")
    assert deadline_for(window, DeadlineRule("day_of_last_month", 20), calendar) == D(
        "2026-03-21"
    )


def test_vietnam_calendar_tet_and_national_days() -> None:
    """WF-P10: the shipped calendar knows Tết, 30/4, 1/5 and 2/9."""
    calendar = vietnam_calendar()
    for day in (
        "2026-02-16",
        "2026-02-17",
        "2026-02-20",
        "2026-04-30",
        "2026-05-01",
        "2026-09-02",
        "2025-01-01",
    ):
        assert not calendar.is_working_day(D(day)), day
    assert calendar.is_working_day(D("2025-04-26"))  # Saturday worked in exchange
    assert calendar.is_working_day(D("2026-02-23"))
    # 2026-M02 is cut off on Saturday 14 Feb, the first day of the Tết break
    assert deadline_for(window_for("2026-M02"), DeadlineRule(days=1), calendar) == D(
        "2026-02-23"
    )
    assert deadline_for(window_for("2026-M02"), DeadlineRule(days=1)) == D("2026-02-23")
    assert HolidayCalendar.from_dict(calendar.to_dict()) == calendar


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ({"kind": "day_of_last_month", "days": 32}, "số ngày phải từ 1 đến 31"),
        ({"days": 0}, "số ngày phải từ 1 đến 60"),
        ({"days": "năm"}, "số ngày phải là số nguyên"),
        ({"kind": "tomorrow"}, "loại thời hạn 'tomorrow' lạ"),
    ],
)
def test_bad_deadline_rules(data: dict, detail: str) -> None:
    with pytest.raises(PeriodError) as caught:
        DeadlineRule.from_dict(data)
    assert caught.value.message == WorkflowCode.WF004.format(detail=detail)


def test_holiday_calendar_refuses_bad_input() -> None:
    with pytest.raises(PeriodError):
        HolidayCalendar.from_dict({"holidays": ["30/04/2026"]})
    with pytest.raises(PeriodError):
        PLAIN.add_working_days(D("2026-03-14"), 0)
    with pytest.raises(PeriodError):
        HolidayCalendar(weekend=frozenset(range(7))).on_or_after(D("2026-01-01"))


def test_lateness_is_measured_in_vietnam_time() -> None:
    """WF-P11: late = submitted after the end of the deadline day (UTC+7)."""
    deadline = D("2026-03-20")
    ict = timezone(timedelta(hours=7))
    assert deadline_instant(deadline) == datetime(2026, 3, 20, 17, 0, tzinfo=UTC)
    on_time = datetime(2026, 3, 20, 23, 59, 59, tzinfo=ict)
    late = datetime(2026, 3, 21, 0, 0, 0, tzinfo=ict)
    now = datetime(2026, 4, 1, tzinfo=UTC)
    assert not is_late(on_time, deadline, now)
    assert is_late(late, deadline, now)
    # naive values are UTC, as MongoDB returns them
    assert not is_late(datetime(2026, 3, 20, 16, 59), deadline, now)
    assert is_late(datetime(2026, 3, 20, 17, 0), deadline, now)
    # not submitted yet: late once the deadline has passed
    assert is_late(None, deadline, now)
    assert not is_late(None, deadline, datetime(2026, 3, 19, tzinfo=UTC))
