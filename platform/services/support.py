"""Support requests (Đ.20.1): filed from any page, answered within 2 working hours.

Any signed-in user files a request; the system admin's queue shows each one
with its 2-working-hour clock. For a complex request the admin posts an
expected completion time, which the requester sees on its own list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from baocao.platform.models import SupportRequest, SupportStatus
from baocao.platform.services import audit
from baocao.platform.services.errors import Code, InvalidInput, NotFound
from baocao.platform.services.workhours import (
    DEFAULT_CALENDAR,
    WorkingCalendar,
    add_working_hours,
    as_local,
    utc_naive,
    working_hours_between,
)
from mongoengine.errors import NotUniqueError

#: Working hours within which a request must be handled (Đ.20.1).
RESPONSE_WORKING_HOURS = 2
MAX_TEXT = 5000


def _number(now: datetime) -> str:
    day = as_local(now).strftime("%Y%m%d")
    count = SupportRequest.objects(number__startswith=f"HT-{day}-").count()
    return f"HT-{day}-{count + 1:04d}"


def file_request(
    *,
    requester: str,
    unit_code: str | None,
    text: str,
    page: str,
    now: datetime,
    contact: str = "",
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> SupportRequest:
    """Record a request and start its clock.

    :raises InvalidInput: HT001 when ``text`` is empty, HT008 when too long.
    """
    text = (text or "").strip()
    if not text:
        raise InvalidInput(Code.HT001)
    if len(text) > MAX_TEXT:
        raise InvalidInput(Code.HT008, max=MAX_TEXT)
    page = (page or "").split("?", 1)[0][:500]
    for _ in range(20):  # two requests in the same instant race for a number
        item = SupportRequest(
            number=_number(now),
            requester=requester,
            unit_code=unit_code,
            text=text,
            page=page,
            contact=(contact or "").strip()[:200],
            created=utc_naive(now),
            due=add_working_hours(now, RESPONSE_WORKING_HOURS, calendar),
        )
        try:
            item.save(force_insert=True)
            break
        except NotUniqueError:
            continue
    else:
        raise RuntimeError("could not allocate a support request number")
    audit.record(
        requester,
        "support.create",
        f"support:{item.number}",
        now=now,
        unit=unit_code,
        details={"page": page},
    )
    return item


def get_request(number: str) -> SupportRequest:
    """:raises NotFound: HT002."""
    item = SupportRequest.objects(number=number).first()
    if item is None:
        raise NotFound(Code.HT002, ident=number)
    return item


def update_request(
    number: str,
    *,
    actor: str,
    now: datetime,
    status: str | None = None,
    expected_completion: datetime | None = None,
    admin_note: str | None = None,
) -> SupportRequest:
    """Set the status, the expected completion time or the admin's note.

    :raises InvalidInput: HT006 for an unknown status, HT007 for an expected
        completion before the request was filed.
    """
    item = get_request(number)
    changes: dict[str, object] = {"set__handled_by": actor}
    if status is not None:
        try:
            new = SupportStatus(status)
        except ValueError:
            raise InvalidInput(Code.HT006, status=status) from None
        changes["set__status"] = new.value
        if new is SupportStatus.DONE:
            changes["set__done_at"] = utc_naive(now)
    if expected_completion is not None:
        if utc_naive(expected_completion) <= item.created:
            raise InvalidInput(
                Code.HT007,
                when=as_local(expected_completion).strftime("%H:%M %d/%m/%Y"),
            )
        changes["set__expected_completion"] = utc_naive(expected_completion)
    if admin_note is not None:
        changes["set__admin_note"] = admin_note.strip()[:2000]
    if item.first_response_at is None:
        changes["set__first_response_at"] = utc_naive(now)
    SupportRequest.objects(pk=item.pk).update_one(**changes)
    item.reload()
    audit.record(
        actor,
        "support.update",
        f"support:{number}",
        now=now,
        unit=item.unit_code,
        details={
            "status": item.status,
            "expected_completion": item.expected_completion.isoformat()
            if item.expected_completion
            else None,
        },
    )
    return item


@dataclass(frozen=True, slots=True)
class Clock:
    """Where a request stands against its 2-working-hour limit."""

    remaining_hours: float
    """Working hours left before ``due`` (negative when overdue)."""
    overdue: bool

    @property
    def label(self) -> str:
        """Vietnamese text for the queue."""
        hours = abs(self.remaining_hours)
        text = f"{int(hours)} giờ {round((hours % 1) * 60):02d} phút"
        return f"Quá hạn {text}" if self.overdue else f"Còn {text}"


def clock(
    item: SupportRequest, now: datetime, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> Clock:
    """The request's clock at ``now``.

    It stops when the request is done, or when an admin posted an expected
    completion time (a complex request, Đ.20.1 second sentence).
    """
    answered = item.first_response_at if item.expected_completion else None
    stop = item.done_at or answered or utc_naive(now)
    remaining = working_hours_between(stop, item.due, calendar)
    return Clock(remaining_hours=remaining, overdue=remaining < 0)


def queue(*, include_done: bool = False) -> list[SupportRequest]:
    """Requests for the admin queue, the most urgent (earliest due) first."""
    found = (
        SupportRequest.objects
        if include_done
        else SupportRequest.objects(status__ne=SupportStatus.DONE.value)
    )
    return list(found.order_by("due"))


def my_requests(requester: str) -> list[SupportRequest]:
    """The requester's own requests, newest first."""
    return list(SupportRequest.objects(requester=requester).order_by("-created"))
