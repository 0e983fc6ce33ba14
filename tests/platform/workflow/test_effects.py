"""What follows a chain move runs after the request (services.workflow_effects).

The other tests run queued work eagerly; here the embedded worker thread runs it,
as in ``baocao demo``: the move is stored when ``act`` returns, and the
notifications it causes arrive from the worker. An effect that fails is logged
and never undoes the move or stops the other effects.
"""

from __future__ import annotations

import time
from typing import Any

from baocao.platform.exchange import events as exchange_events
from baocao.platform.models.notification import Notification
from baocao.platform.models.workflow import Submission
from baocao.platform.services import workflow_effects


def _wait_for(check: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_notifies_after_the_move_is_stored(
    app: Any, act: Any, communes_site: dict[str, Any]
) -> None:
    """EF-01: with a real (embedded) worker the task's arguments survive the
    broker's JSON and the leaders are notified after ``submit`` returned."""
    app.extensions["celery"].conf.task_always_eager = False
    sub_id = communes_site["subs"]["28249"]
    with app.app_context():
        act(app, sub_id, "28249.nhaplieu", "submit")
        assert Submission.objects(id=sub_id).first().state == "submitted"
        assert _wait_for(
            lambda: Notification.objects(recipient="28249.lanhdao").count() == 1
        )
        note = Notification.objects(recipient="28249.lanhdao").first()
        assert note.kind == "assignment"
        assert note.submission_id == sub_id


def test_a_failing_effect_neither_undoes_the_move_nor_stops_the_others(
    app: Any, act: Any, communes_site: dict[str, Any], monkeypatch: Any, caplog: Any
) -> None:
    """EF-02: the exchange hook raising is logged; the notification still comes."""

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("hỏng")

    monkeypatch.setattr(exchange_events, "submission_changed", broken)
    sub_id = communes_site["subs"]["28249"]
    with app.app_context():
        act(app, sub_id, "28249.nhaplieu", "submit")
        assert Submission.objects(id=sub_id).first().state == "submitted"
        assert Notification.objects(recipient="28249.lanhdao").count() == 1
    assert any("việc sau thao tác submit" in r.getMessage() for r in caplog.records)


def test_without_a_worker_the_effects_run_at_once(
    app: Any, act: Any, communes_site: dict[str, Any], monkeypatch: Any
) -> None:
    """EF-03: when nothing can be queued (no Celery app), nothing is lost."""
    monkeypatch.setattr(workflow_effects, "enqueue", lambda *_: False)
    app.extensions["celery"].conf.task_always_eager = False
    sub_id = communes_site["subs"]["28249"]
    with app.app_context():
        act(app, sub_id, "28249.nhaplieu", "submit")
        assert Notification.objects(recipient="28249.lanhdao").count() == 1
    assert getattr(app.extensions["celery"], "embedded_worker", None) is None
