"""The tracking board and listings: who stands where, who is late (Đ.5.2g, Đ.15.2c)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from baocao.platform.models.workflow import Period, Regime, Submission
from baocao.platform.services import access
from baocao.platform.services.workflow import actor_for, can_view, get_period
from baocao.platform.services.workflow_config import get_chain, get_regime
from baocao.platform.workflow.periods import is_late
from baocao.platform.workflow.transitions import available_actions


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


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One submission waiting for the user ("việc cần làm")."""

    submission_id: str
    regime_id: str
    regime_name: str
    period: str
    unit: str
    state: str
    step_name: str
    actions: tuple[str, ...]
    deadline: str
    late: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API."""
        return {
            "id": self.submission_id,
            "regime": self.regime_id,
            "regime_name": self.regime_name,
            "period": self.period,
            "unit": self.unit,
            "state": self.state,
            "step_name": self.step_name,
            "actions": list(self.actions),
            "deadline": self.deadline,
            "late": self.late,
        }


def inbox(user: Any, *, now: datetime) -> list[InboxItem]:
    """Submissions the user can act on now, across regimes, by deadline.

    Only open periods count; a submission is listed when the step it waits for
    names a role the user holds in the right unit.
    """
    held = {
        scope_role.value
        for scope in access.scopes(user, now=now)
        for scope_role in scope.roles
    }
    if not held:
        return []
    items: list[InboxItem] = []
    cache: dict[tuple[str, str], tuple[Regime, Any, Period] | None] = {}
    for sub in Submission.objects(state__ne="accepted").order_by("period_key", "unit"):
        found = _regime_period(cache, sub)
        if found is None:
            continue
        regime, chain, period = found
        step = chain.steps[sub.step] if sub.step is not None else None
        if step is None or step.actor_role not in held:
            continue
        actions = available_actions(
            chain, sub.position(), actor_for(user, sub, regime, now)
        )
        if not actions:
            continue
        deadline = period.effective_deadline()
        items.append(
            InboxItem(
                submission_id=str(sub.pk),
                regime_id=sub.regime_id,
                regime_name=regime.name,
                period=sub.period_key,
                unit=sub.unit,
                state=sub.state,
                step_name=step.name,
                actions=tuple(a.value for a in actions),
                deadline=deadline,
                late=is_late(None, date.fromisoformat(deadline), now),
            )
        )
    return sorted(items, key=lambda i: (i.deadline, i.regime_name, i.unit))


def _regime_period(
    cache: dict[tuple[str, str], tuple[Regime, Any, Period] | None], sub: Submission
) -> tuple[Regime, Any, Period] | None:
    key = (sub.regime_id, sub.period_key)
    if key not in cache:
        regime = Regime.objects(id=sub.regime_id).first()
        period = Period.objects(regime_id=sub.regime_id, key=sub.period_key).first()
        if regime is None or period is None or period.closed_at is not None:
            cache[key] = None
        else:
            cache[key] = (regime, get_chain(regime.chain_id).chain(), period)
    return cache[key]
