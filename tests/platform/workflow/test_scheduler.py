"""The demo's in-process beat: the Celery beat schedule run from a thread."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from baocao.platform.models.workflow import Period, Submission
from baocao.platform.scheduler import InProcessBeat, entries, start_in_process_beat
from baocao.platform.services import workflow_config as config
from baocao.platform.services.workflow_jobs import TASK_NAME as OPEN_TASK
from celery.schedules import crontab, schedule

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _published_monthly_regime(make_unit: Any) -> str:
    make_unit("82", "province")
    make_unit("SKHCN", "department", "82")
    make_unit("28249", "commune", "82")
    chain = config.ensure_default_chain(now=NOW)
    regime = config.create_regime(
        {
            "name": "Báo cáo tháng",
            "kind": "dinh_ky",
            "content": "numeric",
            "reporting_units": ["28249"],
            "receiving_unit": "SKHCN",
            "methods": ["he_thong"],
            "cutoff": {"kind": "nd09"},
            "deadline": {"kind": "day_of_last_month", "days": 20},
            "frequency": "month",
            "form_id": "f",
            "form_version": 1,
            "guidance": "Nhập, duyệt, ký, gửi",
            "chain_id": str(chain.pk),
        },
        actor="SKHCN.thietke",
        now=NOW,
        publish=True,
    )
    return str(regime.pk)


def test_due_entries_run_once_per_interval(app: Any, make_unit: Any) -> None:
    """SC-01: the period-opening job runs at start, not again within its hour,
    and again after it; opening twice creates nothing twice."""
    clock = Clock()
    with app.app_context():
        regime = _published_monthly_regime(make_unit)
        beat = InProcessBeat(
            app.extensions["celery"],
            {"open": {"task": OPEN_TASK, "schedule": 3600.0}},
            clock=clock,
        )
        assert beat.run_due() == ["open"]
        assert Period.objects(regime_id=regime).count() == 1
        assert Submission.objects(regime_id=regime).count() == 1
        clock.now += 3599
        assert beat.run_due() == []
        clock.now += 1
        assert beat.run_due() == ["open"]
        assert Submission.objects(regime_id=regime).count() == 1


def test_demo_thread_runs_the_real_beat_schedule(app: Any, make_unit: Any) -> None:
    """SC-02: what ``baocao demo`` starts: every beat entry (periods, reminders,
    mail, exchange) runs in the background thread and opens the due period."""
    with app.app_context():
        regime = _published_monthly_regime(make_unit)
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
        assert Period.objects(regime_id=regime).count() == 1


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
