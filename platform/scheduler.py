"""The beat schedule run inside the process, for ``baocao demo`` (no Celery beat).

``baocao worker --beat`` runs the schedule with Celery beat. The demo has no
broker and no beat process, so :class:`InProcessBeat` runs the same entries
(:func:`baocao.platform.tasks.beat_schedule`) from a daemon thread: every entry
once shortly after start, then again whenever its interval has passed. Each run calls the
task's ``apply()``, which executes it in this thread inside the app context
(``FlaskTask``), exactly the code the worker would run. Every job is
idempotent, so the overlap with a manual action is harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import schedule as celery_schedule

logger = logging.getLogger(__name__)

#: How often the thread looks for due entries, in seconds.
TICK_SECONDS = 30.0
#: The first run waits this long, so that the demo answers its first pages
#: before the jobs (opening 102 submissions, reminders) take their turn.
FIRST_RUN_DELAY = 5.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One periodic job: its name, task and interval in seconds."""

    name: str
    task: str
    every: float


def entries(schedule: Mapping[str, Mapping[str, Any]]) -> list[Entry]:
    """The schedule as fixed intervals.

    :raises ValueError: an entry whose schedule is not an interval (crontab).
    """
    found = []
    for name, spec in schedule.items():
        every = spec["schedule"]
        if isinstance(every, timedelta):
            seconds = every.total_seconds()
        elif isinstance(every, celery_schedule) and type(every) is celery_schedule:
            seconds = every.run_every.total_seconds()
        elif isinstance(every, int | float):
            seconds = float(every)
        else:
            raise ValueError(f"beat entry {name}: only intervals run in-process")
        found.append(Entry(name, spec["task"], seconds))
    return found


class InProcessBeat:
    """Runs due beat entries from a daemon thread of this process."""

    def __init__(
        self,
        celery_app: Celery,
        schedule: Mapping[str, Mapping[str, Any]],
        *,
        tick: float = TICK_SECONDS,
        first_delay: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.celery_app = celery_app
        self.entries = entries(schedule)
        self.tick = tick
        self.first_delay = first_delay
        self.clock = clock
        self.last_run: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name="baocao-beat", daemon=True
        )

    def run_due(self) -> list[str]:
        """Run every entry whose interval has passed (all of them the first time).

        :returns: names of the entries that ran. A failing job is logged and
            does not stop the others.
        """
        ran = []
        for entry in self.entries:
            last = self.last_run.get(entry.name)
            now = self.clock()
            if last is not None and now - last < entry.every:
                continue
            self.last_run[entry.name] = now
            result = self.celery_app.tasks[entry.task].apply()
            if result.failed():
                logger.error(
                    "công việc định kỳ %s lỗi:\n%s", entry.name, result.traceback
                )
            ran.append(entry.name)
        return ran

    def _loop(self) -> None:
        if self._stop.wait(self.first_delay):
            return
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(self.tick)

    def start(self) -> None:
        """Start the thread (it runs every entry once right away)."""
        self._thread.start()
        logger.info(
            "lịch định kỳ chạy trong tiến trình: %s", [e.name for e in self.entries]
        )

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)


def start_in_process_beat(
    app: Any, *, first_delay: float = FIRST_RUN_DELAY
) -> InProcessBeat:
    """Start the beat schedule of ``app``'s Celery app inside this process."""
    celery_app = app.extensions["celery"]
    beat = InProcessBeat(
        celery_app, celery_app.conf.beat_schedule, first_delay=first_delay
    )
    beat.start()
    app.extensions["baocao_beat"] = beat
    return beat
