"""The indicator catalogue, its collected values, and dashboards (Đ.4.4, Đ.5.2h, Đ.3.7).

An :class:`Indicator` (chỉ tiêu) is what form cells are bound to (``CT_<code>``
names, ``chỉ tiêu: <code>`` comments or the designer's override): one code means
one quantity, whichever form and version asks for it, so values stay comparable
across forms and periods.

:class:`IndicatorValue` documents are a projection of accepted submissions, one
per (indicator, regime, period, unit), written when a submission is accepted and
removed when it leaves that state (``services.indicator_values``), one document
per (indicator, regime, period) holding every unit's number. They exist so that
a dashboard panel over 24 periods x 102 communes reads 24 small documents
instead of decoding thousands of submissions; they can always be rebuilt from
the submissions.

A :class:`Dashboard` is a named list of panels configured by an admin; panels
are plain dicts validated by ``services.dashboards``.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    ListField,
    StringField,
)

#: How a unit subtree's values combine into one number (as the cells' rules).
AGGREGATE_RULES = ("sum", "average", "min", "max")


class Indicator(Document):
    """One entry of the indicator catalogue (DESIGN.md §5)."""

    code = StringField(required=True, unique=True, max_length=64)
    """Stable code, the one bound to form cells (``CT_<code>``)."""
    name = StringField(required=True, max_length=300)
    unit_of_measure = StringField(default="", max_length=60)
    """Đơn vị tính: người, ha, triệu đồng, % …"""
    group = StringField(default="", max_length=200)
    """Nhóm chỉ tiêu (QCVN 125 indicator groups)."""
    disaggregations = ListField(StringField(max_length=100))
    """Phân tổ: dimensions the values may be broken down by (giới tính, xã …)."""
    owner_unit = StringField(required=True)
    """The unit that owns the definition; its admins and designers edit it."""
    aggregate = StringField(default="sum", choices=AGGREGATE_RULES)
    """How units' values combine for a subtree (sum for counts, average for rates)."""
    public = BooleanField(default=False)
    """Shown on the public page (no login), accepted values only (Đ.18.6)."""
    description = StringField(default="", max_length=2000)
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "indicators",
        "indexes": ["owner_unit", "group", "public"],
        "ordering": ["group", "code"],
    }

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for the API and the exchange packages."""
        return {
            "code": self.code,
            "name": self.name,
            "unit_of_measure": self.unit_of_measure,
            "group": self.group,
            "disaggregations": list(self.disaggregations or ()),
            "owner_unit": self.owner_unit,
            "aggregate": self.aggregate,
            "public": bool(self.public),
            "description": self.description,
        }


class IndicatorValue(Document):
    """Accepted values of one indicator for one regime period, by unit.

    ``values`` maps unit code → number; ``sources`` maps unit code → the
    submission the number was read from. Unit codes are plain letters, digits,
    ``-`` and ``_`` (``UNIT_CODE_PATTERN``), so they are safe field names and
    one unit's entry is set or unset by a single-document atomic update.
    """

    indicator = StringField(required=True)
    regime_id = StringField(required=True)
    period_key = StringField(required=True)
    values = DictField()
    sources = DictField()
    updated_at = DateTimeField(null=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "indicator_values",
        "indexes": [
            {"fields": ["indicator", "regime_id", "period_key"], "unique": True},
            ("indicator", "period_key"),
            ("regime_id", "period_key"),
        ],
    }


class Dashboard(Document):
    """A dashboard: named, owned by a unit, a list of panel configurations."""

    name = StringField(required=True, max_length=200)
    owner_unit = StringField(default="")
    panels = ListField(DictField())
    """``{"id", "kind", "title", "indicator", "regime", "top"}`` (see services)."""
    is_default = BooleanField(default=False)
    """The dashboard opened first."""
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "dashboards",
        "indexes": ["name"],
        "ordering": ["-is_default", "name"],
    }
