"""Background jobs: the embedded worker thread, and a real Redis + ``baocao worker``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import require

from baocao.platform.tasks import ping, start_embedded_worker

LONG_KEY = "kiem-thu-khong-dung-that-" + "x" * 32


def test_embedded_worker_runs_a_task_in_the_app_context(app) -> None:
    """No broker configured: a worker thread of this process runs the task."""
    app.extensions["celery"].conf.task_always_eager = False  # the worker itself
    result = ping.delay("xin chào")
    assert result.get(timeout=20) == {"value": "xin chào", "app": app.name}
    assert app.extensions["celery"].embedded_worker.thread.is_alive()


def test_a_server_starts_the_embedded_worker_before_any_job(app) -> None:
    """``baocao demo`` starts the worker before serving, so the first action
    that queues a job does not wait for it to boot."""
    assert getattr(app.extensions["celery"], "embedded_worker", None) is None
    start_embedded_worker(app)
    assert app.extensions["celery"].embedded_worker.thread.is_alive()
    start_embedded_worker(app)  # idempotent: still the one worker
    assert app.extensions["celery"].embedded_worker.ready.is_set()


@pytest.mark.services
def test_real_worker_process_runs_a_task_from_redis(tmp_path: Path, app_factory) -> None:
    """``baocao worker`` on Redis picks up a task sent by the web app."""
    broker = os.environ.get("BAOCAO_TEST_BROKER_URL")
    require(bool(broker), "Redis (BAOCAO_TEST_BROKER_URL)")
    from baocao.platform.settings import Secret

    app = app_factory(broker_url=Secret(broker))
    celery_app = app.extensions["celery"]
    celery_app.control.purge()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")}
    env.update(
        BAOCAO_BROKER_URL=broker or "",
        BAOCAO_INSTANCE_DIR=str(tmp_path / "worker"),
        BAOCAO_SECRET_KEY=LONG_KEY,
        BAOCAO_LOG_LEVEL="WARNING",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "baocao.platform.cli", "worker", "--pool", "solo",
         "--concurrency", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        result = ping.delay("từ redis")
        deadline = time.monotonic() + 60
        while not result.ready() and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.2)
        assert result.get(timeout=1) == {"value": "từ redis", "app": "baocao.platform.app"}
    finally:
        worker.terminate()
        worker.communicate(timeout=30)


def test_worker_command_refuses_to_run_without_a_broker(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")}
    env["BAOCAO_INSTANCE_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "baocao.platform.cli", "worker"],
        env=env, capture_output=True, text=True, check=False, timeout=60,
    )
    assert done.returncode == 1
    assert "SV001" in done.stderr
    assert "Traceback" not in done.stderr


def test_period_opening_job_is_on_the_beat_schedule(app) -> None:
    """Issue 5 item 2: the hourly job that opens due periods is scheduled."""
    from baocao.platform.services.workflow_jobs import TASK_NAME

    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule[TASK_NAME]["task"] == TASK_NAME


def test_outbox_delivery_is_on_the_beat_schedule(app) -> None:
    """Issue 7 item 6: the outbox is retried by a scheduled job."""
    from baocao.platform.exchange.tasks import TASK_NAME

    schedule = app.extensions["celery"].conf.beat_schedule
    assert any(entry["task"] == TASK_NAME for entry in schedule.values())
