"""Notifications shown under the bell (and mailed), and the reminders already sent.

A :class:`Notification` is written first and mailed afterwards by a Celery task,
so a mail server that is down never loses what the user sees in the app; the
mail outcome is recorded on the notification itself. :class:`Reminder` is the
idempotency record of the scheduled reminders: one per unit, period and kind,
claimed by an insert on a unique key before anyone is notified.
"""

from __future__ import annotations

from mongoengine import DateTimeField, Document, IntField, StringField


class Notification(Document):
    """One message to one user (``recipient`` is the username)."""

    recipient = StringField(required=True)
    kind = StringField(required=True)
    """``assignment``, ``return``, ``deadline_soon``, ``late``, ``late_summary``
    or ``reminder`` (see ``services.notifications.KIND_NAMES``)."""
    text = StringField(required=True)
    """Vietnamese text, complete on its own (it is also the e-mail body)."""
    link = StringField(default="")
    """Path inside the site (``/bao-cao/<id>``) that the notification is about."""
    submission_id = StringField(null=True)
    regime_id = StringField(null=True)
    period_key = StringField(null=True)
    unit = StringField(null=True)
    created_at = DateTimeField(required=True)
    read_at = DateTimeField(null=True)
    email_to = StringField(null=True)
    """The recipient's address when mail is configured and the account has one."""
    emailed_at = DateTimeField(null=True)
    email_attempts = IntField(default=0)
    email_error = StringField(null=True)
    """The last delivery failure (for the operators; never shown to users)."""

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "notifications",
        "indexes": [("recipient", "read_at"), ("recipient", "-created_at")],
    }


class Reminder(Document):
    """A reminder (or lateness notice) already sent for one unit and period.

    ``key`` is ``regime/period/unit/kind`` for the scheduled ones, so a job that
    runs hourly, twice, or after a crash notifies each unit once; a reminder
    asked for by the receiving unit ("Nhắc nhở") adds its time to the key.
    """

    key = StringField(required=True, unique=True)
    regime_id = StringField(required=True)
    period_key = StringField(required=True)
    unit = StringField(required=True)
    kind = StringField(required=True)
    created_at = DateTimeField(required=True)
    created_by = StringField(required=True)
    notified = IntField(default=0)
    """How many accounts were notified."""

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "reminders",
        "indexes": [("regime_id", "period_key")],
    }
