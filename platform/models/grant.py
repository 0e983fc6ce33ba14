"""Per-regime grants (Đ.14.3: rights differ from report to report)."""

from __future__ import annotations

from datetime import datetime

from mongoengine import DateTimeField, Document, ListField, StringField


class Grant(Document):
    """``username`` may act with ``roles`` for units in ``unit_code``'s subtree.

    ``regime_id`` None means every report regime. A revoked grant is kept (with
    ``revoked_at``) so that the history of who could do what stays readable.
    """

    username = StringField(required=True)
    unit_code = StringField(required=True)
    regime_id = StringField(null=True, default=None)
    roles = ListField(StringField(), required=True)
    """Role keys of :class:`baocao.platform.roles.Role` (never sysadmin)."""
    granted_by = StringField(required=True)
    granted_at = DateTimeField(required=True)
    revoked_by = StringField(null=True, default=None)
    revoked_at = DateTimeField(null=True, default=None)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "grants",
        "indexes": ["username", "unit_code", "regime_id"],
        "ordering": ["username", "granted_at"],
    }

    def is_active(self, now: datetime | None = None) -> bool:
        """A grant is active until it is revoked."""
        return self.revoked_at is None
