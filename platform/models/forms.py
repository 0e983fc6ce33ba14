"""Form templates and their published versions (DESIGN.md §4, §5).

A :class:`Form` is what a designer works on: the uploaded template (or none,
for a form that is a narrative outline only), the
documents the compiler made from it and the designer's per-cell overrides. A
:class:`FormVersion` is a published snapshot: the source .xlsx (GridFS) and the
three documents exactly as units fill them. Versions are immutable once saved,
because submissions and aggregates name ``(form, n)`` and must keep meaning the
same thing for years.

The documents are stored as JSON text: their keys are cell addresses
(``Biểu 01!D9``) that may hold characters MongoDB refuses in field names.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from mongoengine import (
    DateTimeField,
    Document,
    IntField,
    ListField,
    ObjectIdField,
    QuerySet,
    StringField,
)


class ImmutableVersionError(RuntimeError):
    """A programming error: someone tried to change a published form version."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise ImmutableVersionError("published form versions are immutable")


class FrozenQuerySet(QuerySet):
    """A queryset without bulk update or delete."""

    update = _refuse
    update_one = _refuse
    upsert_one = _refuse
    modify = _refuse
    delete = _refuse


class Form(Document):
    """A form being designed; ``latest_version`` is 0 until the first publish."""

    name = StringField(required=True, max_length=300)
    owner_unit = StringField(default="")
    status = StringField(default="draft", choices=("draft", "published"))
    source_file_id = ObjectIdField()
    """The uploaded .xlsx in GridFS bucket ``form_sources``; None for a form
    that is an outline only (made in the page, no workbook)."""
    source_sha256 = StringField(default="")
    compiler_version = StringField(default="")
    base_json = StringField(required=True)
    """``{"schema", "layout", "formulas"}`` as the compiler made them."""
    overrides_json = StringField(default="{}")
    """``{address: {field: value}}`` set by the designer, applied on top of the base."""
    repeats_json = StringField(default="[]")
    """Repeat groups marked in the page (``form_marks``); ``base_json`` was
    compiled with them."""
    outline_json = StringField(default="")
    """The narrative outline (mẫu đề cương) designed in the page; "" = none."""
    warnings = ListField()
    """Non-fatal diagnostics of the compile (``Diagnostic.to_dict()``)."""
    latest_version = IntField(default=0)
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "forms",
        "indexes": ["name", "owner_unit"],
        "ordering": ["-updated_at"],
    }

    def base(self) -> dict[str, Any]:
        return dict(json.loads(self.base_json))

    def overrides(self) -> dict[str, dict[str, Any]]:
        return dict(json.loads(self.overrides_json or "{}"))

    def repeat_marks(self) -> list[dict[str, Any]]:
        return list(json.loads(self.repeats_json or "[]"))

    def outline(self) -> dict[str, Any] | None:
        return json.loads(self.outline_json) if self.outline_json else None

    @property
    def has_workbook(self) -> bool:
        """False for an outline-only form: no grid, no .xlsx to download."""
        return self.source_file_id is not None


class FormVersion(Document):
    """Published version ``n`` of a form; never changed after it is saved."""

    form_id = StringField(required=True)
    n = IntField(required=True, min_value=1)
    source_file_id = ObjectIdField()
    """None when the form is an outline only (no workbook)."""
    source_sha256 = StringField(default="")
    compiler_version = StringField(default="")
    documents_json = StringField(required=True)
    """``{"schema", "layout", "formulas"}`` with the designer's overrides applied."""
    overrides_json = StringField(default="{}")
    repeats_json = StringField(default="[]")
    outline_json = StringField(default="")
    """The outline as published (immutable like the documents)."""
    published_by = StringField(required=True)
    published_at = DateTimeField(required=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "form_versions",
        "indexes": [{"fields": ["form_id", "n"], "unique": True}],
        "ordering": ["form_id", "n"],
        "queryset_class": FrozenQuerySet,
    }

    def save(self, *args: Any, **kwargs: Any) -> FormVersion:
        """Insert once; saving an already stored version is refused."""
        if self.pk is not None:
            _refuse()
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()

    def documents(self) -> dict[str, Any]:
        return dict(json.loads(self.documents_json))

    def outline(self) -> dict[str, Any] | None:
        return json.loads(self.outline_json) if self.outline_json else None

    @property
    def has_workbook(self) -> bool:
        return self.source_file_id is not None
