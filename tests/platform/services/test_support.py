"""Support requests (Đ.20.1), maintenance notices (Đ.20.3), the working-hours clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from baocao.platform.models import AuditEvent
from baocao.platform.services import announcements, support
from baocao.platform.services.errors import Code, InvalidInput
from baocao.platform.services.workhours import (
    WorkingCalendar,
    add_working_hours,
    working_hours_between,
)


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A Vietnam-time instant in March 2026 (2 March is a Monday), as aware UTC."""
    return (
        datetime(2026, month, day, hour - 7, minute, tzinfo=UTC)
        if hour >= 7
        else datetime(2026, month, day - 1, hour + 17, minute, tzinfo=UTC)
    )


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (local(2, 9), local(2, 11)),
        (local(2, 10, 30), local(2, 14, 30)),
        (local(2, 16, 30), local(3, 8, 30)),
        (local(6, 16), local(9, 8)),
        (local(7, 10), local(9, 9)),
        (local(2, 6), local(2, 9)),
        (local(2, 12), local(2, 15, 30)),
    ],
    ids=[
        "morning",
        "over-lunch",
        "over-night",
        "over-weekend",
        "saturday",
        "before-work",
        "lunch-break",
    ],
)
def test_two_working_hours(start: datetime, due: datetime) -> None:
    assert add_working_hours(start, 2) == naive(due)
    assert working_hours_between(start, due) == pytest.approx(2)


def test_holidays_are_skipped() -> None:
    cal = WorkingCalendar(holidays=frozenset({date(2026, 3, 3)}))
    assert add_working_hours(local(2, 16, 30), 2, cal) == naive(local(4, 8, 30))


def test_negative_span() -> None:
    assert working_hours_between(local(2, 11), local(2, 9)) == pytest.approx(-2)


def test_support_request_clock(mongo: Any) -> None:
    item = support.file_request(
        requester="28249.nhaplieu",
        unit_code="28249",
        text="Không mở được biểu mẫu",
        page="/bieu-mau/1?x=1",
        now=local(2, 16, 30),
    )
    assert item.number == "HT-20260302-0001"
    assert item.page == "/bieu-mau/1"
    assert item.due == naive(local(3, 8, 30))
    assert support.clock(item, local(3, 7, 30)).label == "Còn 1 giờ 00 phút"
    late = support.clock(item, local(3, 9))
    assert late.overdue and late.label == "Quá hạn 0 giờ 30 phút"
    second = support.file_request(
        requester="u", unit_code=None, text="x", page="", now=local(2, 17)
    )
    assert second.number == "HT-20260302-0002"
    assert [r.number for r in support.queue()] == [item.number, second.number]
    assert AuditEvent.objects(action="support.create").count() == 2


def test_admin_posts_expected_completion(mongo: Any) -> None:
    """The requester sees the expected completion time; the clock stops there."""
    item = support.file_request(
        requester="u", unit_code=None, text="Sự cố phức tạp", page="/", now=local(2, 9)
    )
    updated = support.update_request(
        item.number,
        actor="admin",
        now=local(2, 10),
        status="in_progress",
        expected_completion=local(4, 17),
        admin_note="Đang sửa",
    )
    mine = support.my_requests("u")
    assert [r.expected_completion for r in mine] == [naive(local(4, 17))]
    assert updated.status == "in_progress" and updated.handled_by == "admin"
    assert not support.clock(updated, local(5, 9)).overdue
    done = support.update_request(
        item.number, actor="admin", now=local(3, 9), status="done"
    )
    assert done.done_at == naive(local(3, 9)) and support.queue() == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"status": "lost"}, Code.HT006),
        ({"expected_completion": local(1, 9)}, Code.HT007),
    ],
    ids=["status", "expected-before-created"],
)
def test_bad_updates(mongo: Any, kwargs: dict[str, Any], code: Code) -> None:
    item = support.file_request(
        requester="u", unit_code=None, text="x", page="/", now=local(2, 9)
    )
    with pytest.raises(InvalidInput) as caught:
        support.update_request(item.number, actor="a", now=local(2, 10), **kwargs)
    assert caught.value.code == code.name


def test_empty_request_is_refused(mongo: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        support.file_request(
            requester="u", unit_code=None, text="  ", page="/", now=local(2, 9)
        )
    assert caught.value.message == Code.HT001.format()


def test_announcement_window_and_notice(mongo: Any) -> None:
    """Đ.20.3: at least 10 working hours of notice; shown until the window ends."""
    with pytest.raises(InvalidInput) as caught:
        announcements.post_announcement(
            title="Bảo trì",
            body="",
            starts_at=local(3, 9),
            ends_at=local(3, 11),
            actor="admin",
            now=local(2, 9),
        )
    assert caught.value.message == Code.HT004.format(required=10, hours="8,0")
    item = announcements.post_announcement(
        title="Bảo trì hệ thống",
        body="Hệ thống tạm dừng.",
        starts_at=local(4, 9),
        ends_at=local(4, 11),
        actor="admin",
        now=local(2, 9),
    )
    shown = announcements.active_announcements(local(2, 9))
    assert [(n.id, n.title, n.message) for n in shown] == [
        (str(item.pk), "Bảo trì hệ thống", "Hệ thống tạm dừng.")
    ]
    assert shown[0].starts_at.strftime("%H:%M %d/%m/%Y") == "09:00 04/03/2026"
    assert len(announcements.active_announcements(local(4, 10, 59))) == 1
    assert announcements.active_announcements(local(4, 11)) == []
    assert announcements.active_announcements(local(2, 8)) == []
    announcements.withdraw_announcement(str(item.pk), actor="admin", now=local(2, 10))
    assert announcements.active_announcements(local(2, 11)) == []


def test_urgent_announcement_and_bad_window(mongo: Any) -> None:
    urgent = announcements.post_announcement(
        title="Sự cố",
        body="",
        starts_at=local(2, 9),
        ends_at=local(2, 10),
        actor="admin",
        now=local(2, 9),
        urgent=True,
    )
    assert urgent.urgent
    with pytest.raises(InvalidInput) as caught:
        announcements.post_announcement(
            title="x",
            body="",
            starts_at=local(5, 9),
            ends_at=local(5, 9) - timedelta(hours=1),
            actor="admin",
            now=local(2, 9),
        )
    assert caught.value.code == "HT003"
