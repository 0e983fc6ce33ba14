"""The demo's in-process beat: the Celery beat schedule run from a thread."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from baocao.platform.models.workflow import Period, Submission
from baocao.platform.scheduler import InProcessBeat, entries, start_in_process_beat
from baocao.platform.services.workflow_jobs import TASK_NAME as OPEN_TASK
from baocao.platform.workflow.periods import VIETNAM_TZ, CutoffRule, keys_open_on
from celery.schedules import crontab, schedule
from support import Clock


def _due_keys() -> set[str]:
    """The monthly periods the job must open today (the real clock, as in the demo)."""
    today = datetime.now(VIETNAM_TZ).date()
    return {k.key for k in keys_open_on("month", today, CutoffRule.from_dict(None))}


def test_due_entries_run_once_per_interval(
    app: Any, make_user: Any, monthly_regime: Any
) -> None:
    """SC-01: the period-opening job runs at start, not again within its hour,
    and again after it; opening twice creates nothing twice."""
    clock = Clock(1000.0)
    with app.app_context():
        regime, _sub = monthly_regime(make_user, [], "f", "Nhập, duyệt, ký, gửi")
        beat = InProcessBeat(
            app.extensions["celery"],
            {"open": {"task": OPEN_TASK, "schedule": 3600.0}},
            clock=clock,
        )
        assert beat.run_due() == ["open"]
        opened = {p.key for p in Period.objects(regime_id=regime)}
        assert opened == {"2026-M03"} | _due_keys()
        count = Submission.objects(regime_id=regime).count()
        assert count == len(opened)
        clock.now += 3599
        assert beat.run_due() == []
        clock.now += 1
        assert beat.run_due() == ["open"]
        assert Submission.objects(regime_id=regime).count() == count


def test_demo_thread_runs_the_real_beat_schedule(
    app: Any, make_user: Any, monthly_regime: Any
) -> None:
    """SC-02: what ``baocao demo`` starts: every beat entry (periods, reminders,
    mail, exchange) runs in the background thread and opens the due period."""
    with app.app_context():
        regime, _sub = monthly_regime(make_user, [], "f", "Nhập, duyệt, ký, gửi")
    beat = start_in_process_beat(app, first_delay=0.0)
    try:
        deadline = time.monotonic() + 30
        while len(beat.last_run) < len(beat.entries):
            assert time.monotonic() < deadline, beat.last_run
            time.sleep(0.1)
    finally:
        beat.stop()
    assert {e.task for e in beat.entries} >= {
        OPEN_TASK,
        "baocao.notify.deadline_reminders",
        "baocao.notify.requeue_emails",
        "baocao.exchange.deliver_outbox",
    }
    with app.app_context():
        opened = {p.key for p in Period.objects(regime_id=regime)}
        assert opened == {"2026-M03"} | _due_keys()


@pytest.mark.parametrize(
    ("every", "seconds"),
    [(60, 60.0), (timedelta(minutes=5), 300.0), (schedule(timedelta(hours=1)), 3600.0)],
    ids=["number", "timedelta", "celery-schedule"],
)
def test_intervals_are_read_from_every_form(every: Any, seconds: float) -> None:
    assert entries({"x": {"task": "t", "schedule": every}})[0].every == seconds


def test_crontab_entries_are_refused() -> None:
    with pytest.raises(ValueError, match="only intervals"):
        entries({"x": {"task": "t", "schedule": crontab(minute=0)}})
