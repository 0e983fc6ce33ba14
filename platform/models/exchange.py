"""The outbox of packages for the national reporting system (DESIGN.md §8).

One document per package to deliver, keyed by its idempotency key (unique), so
that queuing the same package twice stores it once. Delivery state changes are
single-document atomic updates (``modify`` guarded by the expected status),
which MongoDB and mongomock both support.
"""

from __future__ import annotations

from baocao.platform.exchange.outbox import Status
from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    StringField,
)


class OutboxMessage(Document):
    """A package waiting for, or done with, delivery to the national endpoint."""

    key = StringField(required=True, unique=True, max_length=64)
    """Idempotency key: sha256(type + natural key + payload hash), sent as a header."""
    package_type = StringField(required=True)
    """One of ``qcvn125.PackageType``'s values."""
    natural_key = StringField(required=True)
    """What the package is about, e.g. ``regime/period/unit``."""
    payload_sha256 = StringField(required=True, max_length=64)
    body = StringField(required=True)
    """The envelope as canonical JSON, exactly the bytes that are posted."""
    status = StringField(
        required=True, default=Status.PENDING.value, choices=[s.value for s in Status]
    )
    attempts = IntField(default=0, min_value=0)
    next_attempt_at = DateTimeField(null=True)
    """When the message is due (UTC); ``None`` once it is final."""
    claimed_at = DateTimeField(null=True)
    created_at = DateTimeField(required=True)
    delivered_at = DateTimeField(null=True)
    last_status_code = IntField(null=True)
    last_error = StringField(default="")
    """Our Vietnamese summary of the last failure (never a library's text)."""
    last_response = StringField(default="")
    """The start of the endpoint's last answer (its reason when it rejects)."""
    signed = BooleanField(default=False)
    """The envelope carries the agency's detached signature (``chu_ky``)."""
    log = ListField(DictField())
    """One entry per attempt: ``at``, ``status_code``, ``outcome``, ``error``,
    ``response``."""

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "outbox_messages",
        "indexes": [("status", "next_attempt_at"), "natural_key", "created_at"],
        "ordering": ["created_at"],
    }
