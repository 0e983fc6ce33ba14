"""Periods of a regime: open (idempotently), move the deadline, close.

Opening is an upsert of the period on its unique ``(regime_id, key)`` and one
upsert per reporting unit on the unique ``(regime_id, period_key, unit)``, so a
retried or concurrent opening creates nothing twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from baocao.platform.exchange import events as exchange_events
from baocao.platform.models.workflow import Period, Regime, Submission
from baocao.platform.services import audit, notifications, report_progress
from baocao.platform.services.workflow_config import (
    get_regime,
    reporting_unit_codes,
    utc_naive,
)
from baocao.platform.workflow.errors import NotFoundError, TransitionError, WorkflowCode
from baocao.platform.workflow.holidays import HolidayCalendar, vietnam_calendar
from baocao.platform.workflow.periods import deadline_for, parse_key, window_for
from mongoengine import NotUniqueError

logger = logging.getLogger(__name__)


def calendar_of(regime: Regime) -> HolidayCalendar:
    """The regime's working-day calendar (the shipped one plus its overrides)."""
    base = vietnam_calendar()
    return (
        base.merged(HolidayCalendar.from_dict(regime.holidays))
        if regime.holidays
        else base
    )


def get_period(regime_id: str, key: str) -> Period:
    """The opened period ``key`` of a regime.

    :raises NotFoundError: (404) not opened.
    """
    found = Period.objects(regime_id=str(regime_id), key=key).first()
    if found is None:
        raise NotFoundError(WorkflowCode.WF031, what="kỳ báo cáo", key=key)
    return found


def open_period(
    regime_id: str, key: str, *, actor: str, now: datetime
) -> tuple[Period, int]:
    """Open a period and create one submission per reporting unit, idempotently.

    Opening again (a retried job, two schedulers) creates nothing twice: the
    period and each submission are upserts on unique keys.

    :returns: the period and how many submissions were created by this call.
    :raises TransitionError: the regime is not published.
    """
    regime = get_regime(regime_id)
    if regime.status != "published":
        raise TransitionError(WorkflowCode.WF042, regime=regime.name)
    period_key = parse_key(key, regime.frequency)
    window = window_for(period_key, regime.cutoff_rule())
    deadline = deadline_for(window, regime.deadline_rule(), calendar_of(regime))
    units = reporting_unit_codes(regime, now)
    if not units:
        raise TransitionError(WorkflowCode.WF043, regime=regime.name)
    moment = utc_naive(now)
    opened_here = False
    try:
        result = Period.objects(
            regime_id=str(regime.pk), key=period_key.key
        ).update_one(
            upsert=True,
            full_result=True,
            set_on_insert__window_start=window.start.isoformat(),
            set_on_insert__window_end=window.end.isoformat(),
            set_on_insert__deadline=deadline.isoformat(),
            set_on_insert__opened_at=moment,
            set_on_insert__opened_by=actor,
        )
        opened_here = result.upserted_id is not None
    except NotUniqueError:
        logger.info("period %s/%s opened concurrently", regime.pk, period_key.key)
    created = sum(
        _ensure_submission(regime, period_key.key, unit, moment) for unit in units
    )
    period = get_period(str(regime.pk), period_key.key)
    # Concurrent openers may each create some of the submissions; only the one
    # whose upsert inserted the period logs the opening, so the log has it once.
    if opened_here:
        audit.record(
            actor,
            "period.open",
            f"period:{regime.pk}/{period.key}",
            now=now,
            unit=regime.receiving_unit or None,
            details={"created": created, "units": len(units)},
        )
        exchange_events.period_opened(str(regime.pk), period, now)
    return period, created


def _ensure_submission(regime: Regime, key: str, unit: str, moment: datetime) -> int:
    try:
        result = Submission.objects(
            regime_id=str(regime.pk), period_key=key, unit=unit
        ).update_one(
            upsert=True,
            full_result=True,
            set_on_insert__form_id=regime.form_id,
            set_on_insert__form_version=regime.form_version,
            set_on_insert__state="draft",
            set_on_insert__step=0,
            set_on_insert__version=1,
            set_on_insert__created_at=moment,
            set_on_insert__updated_at=moment,
        )
    except NotUniqueError:
        return 0
    if result.upserted_id is None:
        return 0
    report_progress.record(str(regime.pk), key, unit, "draft", None)
    return 1


def set_deadline(
    regime_id: str, key: str, deadline: date, *, actor: str, now: datetime, notice: str
) -> Period:
    """Extend or move a period's deadline, with a notice to the units (Đ.17.3)."""
    period = get_period(regime_id, key)
    entry = {
        "actor": actor,
        "time": utc_naive(now),
        "text": notice,
        "deadline": deadline.isoformat(),
    }
    Period.objects(id=period.pk).update_one(
        set__deadline_override=deadline.isoformat(), push__notices=entry
    )
    audit.record(
        actor,
        "period.deadline",
        f"period:{regime_id}/{key}",
        now=now,
        details={"deadline": deadline.isoformat(), "notice": notice},
    )
    notifications.deadline_moved(regime_id, key, deadline, notice, now=now)
    period.reload()
    return period


def close_period(regime_id: str, key: str, *, actor: str, now: datetime) -> Period:
    """Close a period: its submissions become a read-only archive (Đ.19)."""
    period = get_period(regime_id, key)
    Period.objects(id=period.pk, closed_at=None).update_one(
        set__closed_at=utc_naive(now)
    )
    audit.record(actor, "period.close", f"period:{regime_id}/{key}", now=now)
    period.reload()
    return period
