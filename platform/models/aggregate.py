"""Stored aggregates and export jobs (DESIGN.md §6, issue #7).

An :class:`AggregateCache` is the last aggregate computed for one regime,
period, scope unit and form version, with the exact submissions (id and
``version``) it combined. It is *fresh* only while the accepted submissions in
scope are still exactly those: the services compare that list on every read,
so a cache that missed an acceptance is never shown as fresh, whatever its
``refresh_state`` says.

An :class:`ExportJob` is one export asked for by one user; the file goes to
GridFS (bucket ``aggregate_exports``) only once it is complete, and the job
points to it in the same update that marks it done.
"""

from __future__ import annotations

from mongoengine import (
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    ObjectIdField,
    StringField,
)

REFRESH_STATES = ("idle", "queued", "running", "failed")
JOB_STATES = ("queued", "running", "done", "failed")


class AggregateCache(Document):
    """The aggregate of (regime, period, unit, form version) and its sources."""

    regime_id = StringField(required=True)
    period_key = StringField(required=True)
    unit = StringField(required=True)
    """The scope: the receiving unit, or a unit above some reporting units."""
    form_version = IntField(null=True)
    inputs = DictField()
    """Combined inputs, keys encoded with ``encode_keys``."""
    computed = DictField()
    counts = DictField()
    """How many unit values each input combines (for the next level)."""
    expected = ListField(StringField())
    """Units expected to report in this scope when it was computed."""
    included = ListField(DictField())
    """``{"unit", "id", "version"}`` of every submission combined, by unit."""
    computed_at = DateTimeField(null=True)
    """When the stored values were computed (None: never)."""
    refresh_state = StringField(default="idle", choices=REFRESH_STATES)
    refresh_queued_at = DateTimeField(null=True)
    progress = IntField(default=0, min_value=0, max_value=100)
    error_code = StringField(default="")
    error = StringField(default="")
    """The Vietnamese message of the last failed refresh."""

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "aggregate_cache",
        "indexes": [
            {
                "fields": ["regime_id", "period_key", "unit", "form_version"],
                "unique": True,
            }
        ],
    }


class ExportJob(Document):
    """One export of an aggregate, run in the background."""

    owner = StringField(required=True)
    """Username of who asked; only they see the job and its file."""
    regime_id = StringField(required=True)
    periods = ListField(StringField(), required=True)
    unit = StringField(required=True)
    fmt = StringField(required=True, choices=("xlsx", "csv", "pdf"))
    state = StringField(default="queued", choices=JOB_STATES)
    progress = IntField(default=0, min_value=0, max_value=100)
    file_id = ObjectIdField(null=True)
    filename = StringField(default="")
    mimetype = StringField(default="")
    size = IntField(default=0)
    error_code = StringField(default="")
    error = StringField(default="")
    created_at = DateTimeField(required=True)
    finished_at = DateTimeField(null=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "export_jobs",
        "indexes": ["owner", "regime_id"],
    }
