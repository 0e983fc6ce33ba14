"""Reminders to units that have not submitted, and lateness notices.

Only units whose report still waits at the first step (a draft, or returned to
data entry) are reminded: a unit that has submitted is never nagged. The
scheduled job (hourly, Celery beat; in-process in the demo) sends, per open
period:

- ``deadline_soon`` to data entry, from ``BAOCAO_REMINDER_DAYS`` days before
  the deadline;
- once the deadline has passed, ``late`` to the unit's accounts in the chain
  for units that never submitted, and one ``late_summary`` to the receiving
  unit's aggregators listing them.

Each (unit, period, kind, deadline) is claimed by inserting a :class:`Reminder`
with a unique key before anyone is notified, so the job may run any number of
times, concurrently or after a crash, and a unit gets each reminder at most once
per deadline: when the receiving unit moves the deadline (Đ.17.3), "deadline
soon" and "late" count again from the new one (a unit told it was late, then
given more time, is reminded again before the new deadline). The
receiving unit's "Nhắc nhở" button (:func:`remind_now`) reminds the same units
at once, recorded with its time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from baocao.platform.models.notification import Notification, Reminder
from baocao.platform.models.workflow import Period, Regime, Submission
from baocao.platform.roles import Role
from baocao.platform.services import audit, notifications
from baocao.platform.services.notifications import About
from baocao.platform.services.workflow_config import get_chain, get_regime
from baocao.platform.services.workflow_periods import get_period
from baocao.platform.services.workhours import utc_naive
from baocao.platform.workflow.chains import ActorUnit, Chain
from baocao.platform.workflow.errors import ClosedPeriodError, WorkflowCode
from baocao.platform.workflow.periods import VIETNAM_TZ, is_late
from celery import shared_task
from flask import current_app, has_app_context
from mongoengine import NotUniqueError

logger = logging.getLogger(__name__)

TASK_NAME = "baocao.notify.deadline_reminders"
#: Merged into the Celery app's beat schedule by ``celery_init_app``.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    TASK_NAME: {"task": TASK_NAME, "schedule": 3600.0},
}
DEFAULT_DAYS = 3
#: Unit codes named in the receiving unit's lateness notice (the rest: "…").
SUMMARY_UNITS = 20


@dataclass(frozen=True, slots=True)
class Sent:
    """What one run did for one period."""

    regime_id: str
    period: str
    kind: str
    units: tuple[str, ...]
    notified: int


def not_submitted(regime_id: str, key: str) -> list[Submission]:
    """Submissions waiting at data entry (draft or returned there), by unit."""
    return list(
        Submission.objects(regime_id=regime_id, period_key=key, step=0)
        .only("id", "unit", "state", "submitted_at")
        .order_by("unit")
    )


def _claim(
    regime_id: str, key: str, unit: str, kind: str, tag: str, **doc: Any
) -> bool:
    """Insert the reminder record; False if this one was already sent."""
    try:
        Reminder(
            key=f"{regime_id}/{key}/{unit}/{tag}",
            regime_id=regime_id,
            period_key=key,
            unit=unit,
            kind=kind,
            **doc,
        ).save(force_insert=True)
    except NotUniqueError:
        return False
    return True


def _reporting_roles(chain: Chain, first_only: bool) -> list[str]:
    steps = chain.steps[:1] if first_only else chain.steps
    return sorted({s.actor_role for s in steps if s.actor_unit == ActorUnit.REPORTING})


def _receiving_role(chain: Chain) -> str:
    last = chain.steps[-1]
    return (
        last.actor_role if last.actor_unit == ActorUnit.RECEIVING else Role.AGGREGATOR
    )


def _notify_units(
    regime: Regime,
    period: Period,
    subs: list[Submission],
    *,
    kind: str,
    roles: list[str],
    text: str,
    now: datetime,
) -> int:
    """One notification per account of each unit (``{unit}`` filled in ``text``)."""
    units = [s.unit for s in subs]
    people: dict[str, list[notifications.Recipient]] = {u: [] for u in units}
    for role in roles:
        for unit, found in notifications.holders(role, units, str(regime.pk)).items():
            people[unit] += found
    docs: list[Notification] = []
    for sub in subs:
        about = About(str(regime.pk), period.key, sub.unit, str(sub.pk))
        docs += notifications.build(
            people[sub.unit],
            kind,
            text.format(unit=sub.unit),
            notifications.submission_link(str(sub.pk)),
            about,
            now=now,
        )
    notifications.store(docs)
    return len(docs)


def _where(regime: Regime, period: Period) -> str:
    return f"{regime.name} kỳ {period.key}"


def remind_period(
    regime: Regime, period: Period, *, now: datetime, days: int
) -> list[Sent]:
    """The due reminders of one open period (see the module docstring)."""
    deadline = date.fromisoformat(period.effective_deadline())
    today = now.astimezone(VIETNAM_TZ).date()
    chain = get_chain(regime.chain_id).chain()
    pending = not_submitted(str(regime.pk), period.key)
    late = is_late(None, deadline, now)
    if not late and (deadline - today).days > days:
        return []
    kind = "late" if late else "deadline_soon"
    if late:
        pending = [s for s in pending if s.submitted_at is None]
    moment = utc_naive(now)
    claimed = [
        s
        for s in pending
        if _claim(
            str(regime.pk),
            period.key,
            s.unit,
            kind,
            f"{kind}/{deadline.isoformat()}",
            created_at=moment,
            created_by="system",
        )
    ]
    done: list[Sent] = []
    if claimed:
        if late:
            text = (
                f"{_where(regime, period)} của đơn vị {{unit}} đã trễ hạn "
                f"(hạn {deadline:%d/%m/%Y}) mà chưa được trình. "
                "Hãy hoàn thành và trình ngay."
            )
        else:
            text = (
                f"{_where(regime, period)} của đơn vị {{unit}} chưa được trình; "
                f"hạn nộp là {deadline:%d/%m/%Y}."
            )
        count = _notify_units(
            regime,
            period,
            claimed,
            kind=kind,
            roles=_reporting_roles(chain, first_only=not late),
            text=text,
            now=now,
        )
        done.append(
            Sent(
                str(regime.pk), period.key, kind, tuple(s.unit for s in claimed), count
            )
        )
    if late and pending:
        done += _late_summary(regime, period, chain, pending, deadline, now=now)
    return done


def _late_summary(
    regime: Regime,
    period: Period,
    chain: Chain,
    late: list[Submission],
    deadline: date,
    *,
    now: datetime,
) -> list[Sent]:
    """One notice to the receiving unit's aggregators, once per period and deadline."""
    moment = utc_naive(now)
    if not _claim(
        str(regime.pk),
        period.key,
        "*",
        "late_summary",
        f"late_summary/{deadline.isoformat()}",
        created_at=moment,
        created_by="system",
    ):
        return []
    units = [s.unit for s in late]
    shown = ", ".join(units[:SUMMARY_UNITS]) + (
        "…" if len(units) > SUMMARY_UNITS else ""
    )
    text = (
        f"{_where(regime, period)}: {len(units)} đơn vị chưa nộp và đã trễ hạn "
        f"({shown})."
    )
    receiving = regime.receiving_unit
    people = notifications.holders(_receiving_role(chain), [receiving], str(regime.pk))
    link = f"/che-do-bao-cao/{regime.pk}/ky/{period.key}?late=1"
    about = About(str(regime.pk), period.key, receiving)
    docs = notifications.store(
        notifications.build(
            people.get(receiving, []), "late_summary", text, link, about, now=now
        )
    )
    return [Sent(str(regime.pk), period.key, "late_summary", tuple(units), len(docs))]


def send_due_reminders(now: datetime, *, days: int = DEFAULT_DAYS) -> list[Sent]:
    """Every due reminder of every open period of every published regime."""
    done: list[Sent] = []
    regimes = {str(r.pk): r for r in Regime.objects(status="published")}
    for period in Period.objects(closed_at=None, regime_id__in=list(regimes)):
        done += remind_period(regimes[period.regime_id], period, now=now, days=days)
    return done


def remind_now(regime_id: str, key: str, *, actor: str, now: datetime) -> Sent:
    """The receiving unit reminds, now, every unit that has not submitted.

    :raises ClosedPeriodError: the period is closed (an archive).
    """
    regime = get_regime(regime_id)
    period = get_period(str(regime.pk), key)
    if period.closed_at is not None:
        raise ClosedPeriodError(WorkflowCode.WF032, key=key)
    chain = get_chain(regime.chain_id).chain()
    pending = not_submitted(str(regime.pk), key)
    moment = utc_naive(now)
    for sub in pending:
        _claim(
            str(regime.pk),
            key,
            sub.unit,
            "reminder",
            f"reminder/{moment.isoformat()}",
            created_at=moment,
            created_by=actor,
        )
    deadline = date.fromisoformat(period.effective_deadline())
    text = (
        f"Đơn vị nhận báo cáo ({regime.receiving_unit}) nhắc: "
        f"{_where(regime, period)} của đơn vị {{unit}} chưa được trình; "
        f"hạn nộp là {deadline:%d/%m/%Y}."
    )
    count = _notify_units(
        regime,
        period,
        pending,
        kind="reminder",
        roles=_reporting_roles(chain, first_only=True),
        text=text,
        now=now,
    )
    units = tuple(s.unit for s in pending)
    audit.record(
        actor,
        "period.remind",
        f"period:{regime.pk}/{key}",
        now=now,
        unit=regime.receiving_unit or None,
        details={"units": list(units), "notified": count},
    )
    return Sent(str(regime.pk), key, "reminder", units, count)


@shared_task(name=TASK_NAME, ignore_result=False)
def send_due_reminders_task() -> list[dict[str, Any]]:
    """Celery entry point: the job above at the current time."""
    days = DEFAULT_DAYS
    if has_app_context():
        days = current_app.extensions["baocao_settings"].reminder_days
    return [
        {
            "regime": s.regime_id,
            "period": s.period,
            "kind": s.kind,
            "units": list(s.units),
            "notified": s.notified,
        }
        for s in send_due_reminders(datetime.now(UTC), days=days)
    ]
