"""The scheduled job that opens due periods (Celery beat; in-process in the demo).

Each published, recurring regime gets the periods whose cut-off window contains
today (Vietnam date) opened, with one submission per reporting unit. Opening is
idempotent, so running the job hourly, twice, or after a crash is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from baocao.platform.models.workflow import Regime
from baocao.platform.services.workflow import open_period
from baocao.platform.workflow.errors import WorkflowError
from baocao.platform.workflow.periods import VIETNAM_TZ, Frequency, keys_open_on
from celery import shared_task

logger = logging.getLogger(__name__)

TASK_NAME = "baocao.workflow.open_due_periods"
#: Merged into the Celery app's beat schedule by ``celery_init_app``.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    TASK_NAME: {"task": TASK_NAME, "schedule": 3600.0},
}


@dataclass(frozen=True, slots=True)
class Opened:
    """One period the job looked at."""

    regime_id: str
    period: str
    created: int
    error: str = ""


def open_due_periods(now: datetime) -> list[Opened]:
    """Open every due period of every published recurring regime.

    A regime whose period cannot be opened (no active unit…) is logged and
    reported, and does not stop the others.
    """
    today = now.astimezone(VIETNAM_TZ).date() if now.tzinfo else now.date()
    done: list[Opened] = []
    for regime in Regime.objects(
        status="published", frequency__ne=Frequency.ONCE.value
    ):
        try:
            keys = keys_open_on(regime.frequency, today, regime.cutoff_rule())
        except (ValueError, WorkflowError) as err:
            done.append(Opened(str(regime.pk), "", 0, str(err)))
            continue
        for key in keys:
            try:
                _period, created = open_period(
                    str(regime.pk), key.key, actor="system", now=now
                )
            except WorkflowError as err:
                logger.warning(
                    "không mở được kỳ %s của %s: %s", key.key, regime.pk, err
                )
                done.append(Opened(str(regime.pk), key.key, 0, err.message))
                continue
            done.append(Opened(str(regime.pk), key.key, created))
    return done


@shared_task(name=TASK_NAME, ignore_result=False)
def open_due_periods_task() -> list[dict[str, Any]]:
    """Celery entry point: the job above at the current time."""
    return [vars_of(o) for o in open_due_periods(datetime.now(UTC))]


def vars_of(opened: Opened) -> dict[str, Any]:
    """JSON-ready form of a result."""
    return {
        "regime": opened.regime_id,
        "period": opened.period,
        "created": opened.created,
        "error": opened.error,
    }
