"""Maintenance announcements (Đ.20.3): posted by the system admin, shown everywhere.

Đ.20.3 asks for notice at least 10 working hours before planned maintenance;
posting later is refused unless the notice is marked urgent (an incident).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from baocao.platform.models import Announcement
from baocao.platform.services import audit
from baocao.platform.services.errors import Code, InvalidInput, NotFound
from baocao.platform.services.workhours import (
    DEFAULT_CALENDAR,
    WorkingCalendar,
    as_local,
    utc_naive,
    working_hours_between,
)
from bson import ObjectId
from bson.errors import InvalidId

#: Working hours of notice required before planned maintenance (Đ.20.3).
NOTICE_WORKING_HOURS = 10


def _fmt(moment: datetime) -> str:
    return as_local(moment).strftime("%H:%M %d/%m/%Y")


def post_announcement(
    *,
    title: str,
    body: str,
    starts_at: datetime,
    ends_at: datetime,
    actor: str,
    now: datetime,
    urgent: bool = False,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Announcement:
    """Post a notice about a maintenance window; it shows from now until the end.

    :raises InvalidInput: HT003 for an empty or reversed window, HT004 when
        planned maintenance gets less than 10 working hours of notice.
    """
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(Code.HT001)
    if ends_at <= starts_at:
        raise InvalidInput(Code.HT003, start=_fmt(starts_at), end=_fmt(ends_at))
    notice = working_hours_between(now, starts_at, calendar)
    if notice < NOTICE_WORKING_HOURS and not urgent:
        raise InvalidInput(
            Code.HT004,
            required=NOTICE_WORKING_HOURS,
            hours=f"{max(notice, 0):.1f}".replace(".", ","),
        )
    item = Announcement(
        title=title,
        body=(body or "").strip(),
        starts_at=utc_naive(starts_at),
        ends_at=utc_naive(ends_at),
        shown_from=utc_naive(now),
        urgent=urgent,
        created_by=actor,
        created_at=utc_naive(now),
    )
    item.save()
    audit.record(
        actor,
        "announcement.post",
        f"announcement:{item.pk}",
        now=now,
        details={
            "title": title,
            "starts_at": _fmt(starts_at),
            "ends_at": _fmt(ends_at),
            "urgent": urgent,
        },
    )
    return item


def withdraw_announcement(ident: str, *, actor: str, now: datetime) -> Announcement:
    """Stop showing a notice (it stays in the list, marked withdrawn)."""
    item = get_announcement(ident)
    Announcement.objects(pk=item.pk, withdrawn_at=None).update_one(
        set__withdrawn_at=utc_naive(now)
    )
    item.reload()
    audit.record(
        actor,
        "announcement.withdraw",
        f"announcement:{item.pk}",
        now=now,
        details={"title": item.title},
    )
    return item


def get_announcement(ident: str) -> Announcement:
    """:raises NotFound: HT005."""
    try:
        item = Announcement.objects(pk=ObjectId(ident)).first()
    except (InvalidId, TypeError):
        item = None
    if item is None:
        raise NotFound(Code.HT005, ident=ident)
    return item


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice ready for the page layout: times in Vietnam's time zone."""

    id: str
    title: str
    message: str
    starts_at: datetime
    ends_at: datetime
    urgent: bool


def active_announcements(now: datetime) -> list[Notice]:
    """Notices every page shows at ``now``: posted, not withdrawn, window not over.

    This is the context function of the base template (``baocao_announcements``).
    """
    moment = utc_naive(now)
    found = Announcement.objects(
        shown_from__lte=moment, ends_at__gt=moment, withdrawn_at=None
    ).order_by("starts_at")
    return [
        Notice(
            id=str(a.pk),
            title=a.title,
            message=a.body,
            starts_at=as_local(a.starts_at),
            ends_at=as_local(a.ends_at),
            urgent=a.urgent,
        )
        for a in found
    ]


def list_announcements(limit: int = 100) -> list[Announcement]:
    """Every notice, newest window first, for the admin page."""
    return list(Announcement.objects.order_by("-starts_at").limit(limit))
