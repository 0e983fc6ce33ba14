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


class AppendOnly:
    """Mixin of documents that are inserted once and never changed or deleted
    (audit events, signed PDFs): ``save`` inserts, the rest is refused."""

    def save(self, *args: Any, **kwargs: Any) -> Any:
        """Insert once; saving a document that already has an id is refused."""
        if self.pk is not None:  # type: ignore[attr-defined]
            _refuse()
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)  # type: ignore[misc]

    update = _refuse
    modify = _refuse
    delete = _refuse


class AuditEvent(AppendOnly, Document):
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
