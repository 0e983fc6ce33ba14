"""The unit tree (Đ.5.2a): province, departments, communes/wards, sub-units."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from mongoengine import DateTimeField, Document, StringField

#: A unit code: ASCII letters, digits, '-' and '_' (no '.', which separates the
#: unit from the role in demo account names such as ``28249.nhaplieu``).
UNIT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"


class UnitKind(StrEnum):
    """Closed vocabulary of unit kinds; xã and phường are both ``commune``."""

    PROVINCE = "province"
    DEPARTMENT = "department"
    COMMUNE = "commune"
    SUBUNIT = "subunit"


#: Vietnamese labels of the kinds, as the UI shows them.
KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.PROVINCE: "Tỉnh",
    UnitKind.DEPARTMENT: "Sở, ban, ngành",
    UnitKind.COMMUNE: "Xã, phường",
    UnitKind.SUBUNIT: "Đơn vị trực thuộc",
}

#: Vietnamese labels of the usual subtypes (free text is allowed too).
SUBTYPE_LABELS: dict[str, str] = {
    "xa": "Xã",
    "phuong": "Phường",
    "so": "Sở",
    "van-phong": "Văn phòng",
    "thanh-tra": "Thanh tra",
}


class Unit(Document):
    """One agency or locality; reports stay attached to it after a merger.

    ``path`` is the materialised path of codes from the root (``82/SKHCN``) so
    that a subtree is one indexed prefix query. A closed unit has ``valid_to``;
    a merged one also has ``merged_into`` (the successor's code), which lookups
    follow.
    """

    code = StringField(required=True, unique=True, regex=UNIT_CODE_PATTERN)
    """Short stable code (statistics code for communes, working code otherwise)."""
    official_id = StringField(default="")
    """Official electronic identifier (mã định danh, QĐ 20/2020/QĐ-TTg)."""
    name = StringField(required=True, max_length=255)
    kind = StringField(required=True, choices=[k.value for k in UnitKind])
    subtype = StringField(default="")
    """Finer kind: ``xa``/``phuong`` (communes), ``so``/``van-phong`` (departments)."""
    parent = StringField(null=True, default=None)
    path = StringField(required=True)
    valid_from = DateTimeField(required=True)
    valid_to = DateTimeField(null=True, default=None)
    merged_into = StringField(null=True, default=None)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "units",
        "indexes": ["path", "parent", "kind"],
        "ordering": ["path"],
    }

    @property
    def depth(self) -> int:
        """0 for a root, 1 for its children, …"""
        return self.path.count("/")

    def is_active(self, now: datetime) -> bool:
        """Whether the unit exists at ``now`` (naive UTC or aware)."""
        moment = _naive_utc(now)
        if self.valid_from and self.valid_from > moment:
            return False
        return self.valid_to is None or self.valid_to > moment


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
