"""Documents of the reporting workflow: chains, regimes, periods, submissions.

DESIGN.md §5-6. Submissions are changed only by single-document conditional
updates guarded by ``version`` (see ``baocao.platform.services.workflow``);
nothing here is ever hard-deleted (Đ.19): closed periods become read-only.

Data keys are public cell addresses (``Biểu 01!D7``). MongoDB field names may
not contain ``.`` or start with ``$``, so :func:`encode_keys` swaps those for
look-alike full-width characters on the way in and :func:`decode_keys` back.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.workflow.chains import Action, Chain
from baocao.platform.workflow.periods import CutoffRule, DeadlineRule
from baocao.platform.workflow.regime import RegimeSpec, UnitSelector
from baocao.platform.workflow.transitions import Position, State
from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    StringField,
)

_ENCODE = {".": "\uff0e", "$": "\uff04"}
_DECODE = {v: k for k, v in _ENCODE.items()}


def encode_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Make cell addresses safe as MongoDB field names."""
    return {_swap(str(k), _ENCODE): v for k, v in data.items()}


def decode_keys(data: dict[str, Any] | None) -> dict[str, Any]:
    """Inverse of :func:`encode_keys`."""
    return {_swap(k, _DECODE): v for k, v in (data or {}).items()}


def _swap(key: str, table: dict[str, str]) -> str:
    return "".join(table.get(ch, ch) for ch in key)


class ApprovalChain(Document):
    """An approval chain as configured by an admin (steps as JSON dicts)."""

    name = StringField(required=True, max_length=200)
    steps = ListField(DictField(), required=True)
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "approval_chains",
        "indexes": ["name"],
    }

    def chain(self) -> Chain:
        """The validated pure chain."""
        return Chain.from_dict({"name": self.name, "steps": self.steps})


class Regime(Document):
    """A reporting regime (chế độ báo cáo); ``status`` draft → published."""

    name = StringField(default="", max_length=300)
    kind = StringField(default="")
    content = StringField(default="")
    reporting_units = DictField()
    """A :class:`~baocao.platform.workflow.regime.UnitSelector` as a dict."""
    receiving_unit = StringField(default="")
    methods = ListField(StringField())
    cutoff = DictField(null=True)
    deadline = DictField(null=True)
    frequency = StringField(default="")
    form_id = StringField(default="")
    form_version = IntField(null=True)
    outline = StringField(default="")
    guidance = StringField(default="")
    chain_id = StringField(default="")
    holidays = DictField(null=True)
    """Optional calendar override (``HolidayCalendar.from_dict`` shape)."""
    status = StringField(default="draft", choices=["draft", "published"])
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    published_at = DateTimeField(null=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "regimes",
        "indexes": ["status", "receiving_unit"],
    }

    def spec(self) -> RegimeSpec:
        """The pure view used by checks and period computations."""
        return RegimeSpec(
            name=self.name,
            kind=self.kind,
            content=self.content,
            reporting_units=UnitSelector.from_value(self.reporting_units),
            receiving_unit=self.receiving_unit,
            methods=tuple(self.methods or ()),
            cutoff=self.cutoff,
            deadline=self.deadline,
            frequency=self.frequency,
            form_id=self.form_id,
            form_version=self.form_version,
            outline=self.outline,
            guidance=self.guidance,
            chain_id=self.chain_id,
        )

    def cutoff_rule(self) -> CutoffRule:
        """The regime's cut-off rule (ND 09 when unset)."""
        return CutoffRule.from_dict(self.cutoff)

    def deadline_rule(self) -> DeadlineRule:
        """The regime's deadline rule."""
        return DeadlineRule.from_dict(self.deadline)


class Period(Document):
    """One period of a regime: window, deadline and manual overrides (Đ.17.3)."""

    regime_id = StringField(required=True)
    key = StringField(required=True)
    window_start = StringField(required=True)
    """ISO date, Vietnam local."""
    window_end = StringField(required=True)
    deadline = StringField(required=True)
    """ISO date; the last on-time day (Vietnam local)."""
    opened_at = DateTimeField(required=True)
    opened_by = StringField(required=True)
    deadline_override = StringField(null=True)
    """A deadline extended or brought forward by the receiving unit."""
    closed_at = DateTimeField(null=True)
    """Set when closed: submissions become a read-only archive."""
    notices = ListField(DictField())
    """Notices sent to the reporting units about overrides: actor, time, text."""

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "periods",
        "indexes": [{"fields": ["regime_id", "key"], "unique": True}],
    }

    def effective_deadline(self) -> str:
        """The deadline in force (the override when one is set)."""
        return self.deadline_override or self.deadline


class Submission(Document):
    """One unit's report for one regime period.

    ``version`` starts at 1 and grows by one with every saved change or
    transition; writers must name the version they read (If-Match).
    """

    regime_id = StringField(required=True)
    period_key = StringField(required=True)
    unit = StringField(required=True)
    form_id = StringField(default="")
    form_version = IntField(null=True)
    data = DictField()
    computed = DictField()
    narrative = StringField(default="")
    narrative_sections = DictField()
    """Sanitised HTML per outline section key (``services.narrative``)."""
    state = StringField(default=State.DRAFT.value, choices=[s.value for s in State])
    step = IntField(null=True, default=0)
    done = ListField(StringField())
    version = IntField(required=True, default=1)
    history = ListField(DictField())
    comments = ListField(DictField())
    """Cell comments of the last return: ``{"cell", "text", "by", "time"}``."""
    data_at_return = DictField(null=True)
    """Data as it was at the last return, to show what changed since."""
    signature = StringField(null=True)
    """SHA-256 of the current signed PDF (``SignedDocument``); cleared by a return."""
    signed_data_sha256 = StringField(null=True)
    """SHA-256 of the data bound into that PDF; the data cannot change while set."""
    backfilled = BooleanField(default=False)
    """Received outside the system and entered later (Đ.11.2)."""
    external_ref = DictField(null=True)
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)
    submitted_at = DateTimeField(null=True)
    """Time of the last submit; lateness is measured on it."""

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "submissions",
        "indexes": [
            {"fields": ["regime_id", "period_key", "unit"], "unique": True},
            "unit",
            "state",
        ],
    }

    def position(self) -> Position:
        """Where the submission stands in its chain."""
        return Position(
            State(self.state), self.step, tuple(Action(a) for a in self.done)
        )

    def get_data(self) -> dict[str, Any]:
        """Data keyed by public cell address."""
        return decode_keys(self.data)

    def get_computed(self) -> dict[str, Any]:
        """Computed values keyed by public cell address."""
        return decode_keys(self.computed)
