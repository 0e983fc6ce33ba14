"""Maintenance announcements (Đ.20.3) and support requests (Đ.20.1)."""

from __future__ import annotations

from enum import StrEnum

from mongoengine import BooleanField, DateTimeField, Document, StringField


class Announcement(Document):
    """A maintenance notice shown on every page from ``shown_from`` to ``ends_at``.

    ``starts_at``/``ends_at`` is the maintenance window itself; the notice is
    shown from when it is posted (or ``shown_from``) until the window ends.
    """

    title = StringField(required=True, max_length=200)
    body = StringField(default="", max_length=2000)
    starts_at = DateTimeField(required=True)
    ends_at = DateTimeField(required=True)
    shown_from = DateTimeField(required=True)
    urgent = BooleanField(default=False)
    """Posted with less notice than Đ.20.3's 10 working hours (an incident)."""
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    withdrawn_at = DateTimeField(null=True, default=None)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "announcements",
        "indexes": ["ends_at"],
        "ordering": ["starts_at"],
    }


class SupportStatus(StrEnum):
    """States of a support request."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class SupportRequest(Document):
    """A request for help filed from any page; due 2 working hours later."""

    number = StringField(required=True, unique=True)
    """Human-readable number (``HT-20260302-0001``) shown to the requester."""
    requester = StringField(required=True)
    unit_code = StringField(null=True, default=None)
    text = StringField(required=True, max_length=5000)
    page = StringField(default="", max_length=500)
    """The page the requester was on (path only, no query string)."""
    contact = StringField(default="", max_length=200)
    created = DateTimeField(required=True)
    due = DateTimeField(required=True)
    """2 working hours after ``created`` (Đ.20.1)."""
    status = StringField(
        required=True,
        default=SupportStatus.NEW.value,
        choices=[s.value for s in SupportStatus],
    )
    expected_completion = DateTimeField(null=True, default=None)
    """Set by an admin for complex requests; the requester sees it."""
    admin_note = StringField(default="", max_length=2000)
    handled_by = StringField(null=True, default=None)
    first_response_at = DateTimeField(null=True, default=None)
    done_at = DateTimeField(null=True, default=None)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "support_requests",
        "indexes": ["requester", "status", "due"],
        "ordering": ["-created"],
    }
