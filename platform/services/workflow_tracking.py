"""The tracking board and listings: who stands where, who is late (Đ.5.2g, Đ.15.2c)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from baocao.platform.models.workflow import Regime, Submission
from baocao.platform.services.workflow import can_view, get_period
from baocao.platform.services.workflow_config import get_chain, get_regime
from baocao.platform.workflow.periods import is_late


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One unit's line on the tracking board (Đ.5.2g, Đ.15.2c)."""

    unit: str
    submission_id: str
    state: str
    step: int | None
    step_name: str
    version: int
    submitted_at: datetime | None
    updated_at: datetime | None
    late: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API."""
        return {
            "unit": self.unit,
            "id": self.submission_id,
            "state": self.state,
            "step": self.step,
            "step_name": self.step_name,
            "version": self.version,
            "submitted_at": _iso(self.submitted_at),
            "updated_at": _iso(self.updated_at),
            "late": self.late,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment is not None else None


def status(regime_id: str, key: str, *, now: datetime) -> list[StatusRow]:
    """Per reporting unit: state, step, submission time and the late flag.

    Late = submitted after the deadline, or not submitted and the deadline has
    passed; a report returned and resubmitted counts by its last submission.
    """
    regime = get_regime(regime_id)
    period = get_period(str(regime.pk), key)
    chain = get_chain(regime.chain_id).chain()
    deadline = date.fromisoformat(period.effective_deadline())
    rows = []
    for sub in Submission.objects(regime_id=str(regime.pk), period_key=key).order_by(
        "unit"
    ):
        late = is_late(sub.submitted_at, deadline, now)
        rows.append(
            StatusRow(
                unit=sub.unit,
                submission_id=str(sub.pk),
                state=sub.state,
                step=sub.step,
                step_name=chain.steps[sub.step].name if sub.step is not None else "",
                version=sub.version,
                submitted_at=sub.submitted_at,
                updated_at=sub.updated_at,
                late=late,
            )
        )
    return rows


def list_submissions(
    user: Any,
    *,
    now: datetime,
    regime: str | None = None,
    period: str | None = None,
    unit: str | None = None,
) -> list[Submission]:
    """Submissions matching the filters that ``user`` may see."""
    query: dict[str, Any] = {}
    if regime:
        query["regime_id"] = regime
    if period:
        query["period_key"] = period
    if unit:
        query["unit"] = unit
    regimes: dict[str, Regime | None] = {}
    visible = []
    for sub in Submission.objects(**query).order_by("regime_id", "period_key", "unit"):
        if sub.regime_id not in regimes:
            regimes[sub.regime_id] = Regime.objects(id=sub.regime_id).first()
        doc = regimes[sub.regime_id]
        if doc is not None and can_view(user, sub, doc, now):
            visible.append(sub)
    return visible
