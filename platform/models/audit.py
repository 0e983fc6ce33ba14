"""The append-only audit log (DESIGN.md §10: every change in the audit log)."""

from __future__ import annotations

from typing import Any, NoReturn

from mongoengine import DateTimeField, DictField, Document, QuerySet, StringField


class AppendOnlyError(RuntimeError):
    """A programming error: someone tried to change or delete an audit event."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AppendOnlyError("audit events are append-only")


class AppendOnlyQuerySet(QuerySet):
    """A queryset without bulk update or delete."""

    update = _refuse
    update_one = _refuse
    upsert_one = _refuse
    modify = _refuse
    delete = _refuse


class AuditEvent(Document):
    """Who did what to which target, when; never changed once written.

    ``target`` is ``kind:id`` (``unit:SKHCN``, ``account:28249.nhaplieu``,
    ``grant:…``); ``unit`` is the unit the event concerns so that a unit admin
    can be shown the events of its subtree only.
    """

    actor = StringField(required=True)
    action = StringField(required=True)
    target = StringField(required=True)
    unit = StringField(null=True, default=None)
    time = DateTimeField(required=True)
    details = DictField()

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "audit_events",
        "indexes": ["-time", "target", "unit", "actor"],
        "ordering": ["-time"],
        "queryset_class": AppendOnlyQuerySet,
    }

    def save(self, *args: Any, **kwargs: Any) -> AuditEvent:
        """Insert once; saving an event that already has an id is refused."""
        if self.pk is not None:
            _refuse()
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    update = _refuse
    modify = _refuse
    delete = _refuse
