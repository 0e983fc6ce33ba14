"""Background jobs: Celery bound to the Flask app (Flask's ``examples/celery``).

With ``BAOCAO_BROKER_URL`` set, tasks go to the broker (Redis in production) and
``baocao worker`` processes run them. Without it, tasks go through kombu's
in-process memory transport to a worker thread started inside the web process the
first time a task is published, so ``baocao demo`` needs no service. Tasks take ids,
are idempotent and call services; they always run inside an app context.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Celery, Task, shared_task
from celery._state import _set_task_join_will_block
from celery.signals import before_task_publish
from flask import Flask, current_app, has_app_context
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

EMBEDDED_BROKER = "memory://"
EMBEDDED_BACKEND = "cache+memory://"


def celery_config(broker_url: str | None, result_backend: str | None) -> dict[str, Any]:
    """Celery settings for a broker URL, or for the embedded worker when None."""
    broker = broker_url or EMBEDDED_BROKER
    backend = result_backend or (broker_url if broker_url else EMBEDDED_BACKEND)
    return {
        "broker_url": broker,
        "result_backend": backend,
        "task_ignore_result": False,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "result_expires": 24 * 3600,
        "timezone": "Asia/Ho_Chi_Minh",
        "enable_utc": True,
    }


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app whose tasks run inside ``app``'s context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    # Imported here, after the Celery app exists, so that their shared tasks
    # register on it; their schedules run on the one worker started with --beat.
    from baocao.platform.services import dashboard_demo  # noqa: F401 - its task

    celery_app.conf.beat_schedule = beat_schedule()
    if app.config["CELERY"]["broker_url"] == EMBEDDED_BROKER:
        _start_worker_on_first_publish(celery_app)
    return celery_app


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Every periodic job: run by Celery beat (``baocao worker --beat``), and by
    the in-process scheduler of ``baocao demo`` (:mod:`baocao.platform.scheduler`).

    Importing the modules registers their shared tasks on the current Celery app.
    """
    from baocao.platform.exchange import tasks as exchange_tasks
    from baocao.platform.services import (  # noqa: F401 - the aggregate ones register tasks
        aggregate_cache,
        aggregate_exports,
        mail,
        reminders,
        workflow_jobs,
    )

    return {
        **workflow_jobs.BEAT_SCHEDULE,
        **exchange_tasks.BEAT_SCHEDULE,
        **reminders.BEAT_SCHEDULE,
        **mail.BEAT_SCHEDULE,
    }


class EmbeddedWorker:
    """A solo-pool Celery worker running in a daemon thread of this process."""

    def __init__(self, celery_app: Celery) -> None:
        self.celery_app = celery_app
        self.ready = threading.Event()
        ready = self.ready

        class Controller(celery_app.WorkController):  # type: ignore[name-defined,misc]
            def on_consumer_ready(self, consumer: object) -> None:
                super().on_consumer_ready(consumer)
                ready.set()

        self.controller = Controller(
            pool_cls="solo",
            concurrency=1,
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            hostname="embedded@baocao",
            loglevel=logging.WARNING,
        )
        self.thread = threading.Thread(
            target=self.controller.start, name="baocao-celery-worker", daemon=True
        )

    def start(self, timeout: float = 30.0) -> None:
        """Start consuming in the background and wait until the worker is ready.

        A worker marks its process as one where ``result.get()`` would deadlock;
        that is true of worker processes but not of this web process, whose
        request threads may wait for results, so the mark is cleared.
        """
        self.thread.start()
        self.ready.wait(timeout)
        _set_task_join_will_block(False)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop consuming and wait for the thread to end."""
        self.controller.stop(in_sighandler=False)
        self.thread.join(timeout)


def _start_worker_on_first_publish(celery_app: Celery) -> None:
    """Start the embedded worker lazily so apps that never queue a job pay nothing."""
    lock = threading.Lock()

    def start(sender: object = None, **_: object) -> None:
        with lock:
            if getattr(celery_app, "embedded_worker", None) is None:
                worker = EmbeddedWorker(celery_app)
                celery_app.embedded_worker = worker  # type: ignore[attr-defined]
                worker.start()
                logger.info("Đã khởi động tiến trình nền trong cùng tiến trình web")

    def on_publish(sender: object = None, **kwargs: object) -> None:
        if celery_app is _current_celery():
            start()

    before_task_publish.connect(on_publish, weak=False)
    celery_app.start_embedded_worker = start  # type: ignore[attr-defined]


def start_embedded_worker(app: Flask) -> None:
    """Start the in-process worker now, if the app has one and it is not running.

    A server calls this before it accepts requests, so that the first action
    that queues a job does not wait for the worker to boot (about a second).
    """
    start = getattr(app.extensions["celery"], "start_embedded_worker", None)
    if start is not None:
        start()


def _current_celery() -> Celery:
    from celery import current_app

    return current_app._get_current_object()  # type: ignore[no-any-return]


def enqueue(name: str, *args: object, countdown: float | None = None) -> bool:
    """Queue task ``name`` on the current Flask app's Celery app.

    Services that react to an event (a submission accepted) call this rather
    than ``task.delay()``, so that outside an app (a script, a service test)
    nothing is sent to some default broker: the caller's stored state says
    what is still to do, and the next read queues it again. Eager apps run
    the task at once.

    :param countdown: seconds the worker waits before running it (ignored by
        eager apps).
    :returns: whether the task was handed over.
    """
    if not has_app_context():
        return False
    celery_app = current_app.extensions.get("celery")
    if celery_app is None:
        return False
    try:
        celery_app.tasks[name].apply_async(args=list(args), countdown=countdown)
    except OperationalError:
        logger.warning("không đưa được việc %s vào hàng đợi", name)
        return False
    return True


@shared_task(name="baocao.ping", ignore_result=False)
def ping(value: str = "pong") -> dict[str, str]:
    """Health check: proves a worker runs tasks inside the Flask app context."""
    from flask import current_app

    return {"value": value, "app": current_app.name}
