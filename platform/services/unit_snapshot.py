"""Every unit, read at most once every few seconds per process, for permission checks.

Each action on a report asks who may act: the reporting unit, its parent, the
receiving unit and the caller's own unit, each with its path (and successors
for merged units). Read one by one, that is two or three queries per request;
with the embedded store each query scans the whole unit collection, about a
tenth of a save's time under the load benchmark. Units change rarely (an
administrator edits, moves, merges or imports them), so the permission checks
of ``services.workflow`` read them from a snapshot of the whole collection.

The snapshot is dropped at once in the process where a unit is saved or deleted
(MongoEngine's signals, and :func:`forget` called by the unit import, which
updates in place), and read again after :data:`TTL_SECONDS` anyway, which is
how long another web process may go on seeing the old tree. The snapshot's
documents are shared between threads: read them, never change them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from baocao.platform.models import Unit
from baocao.platform.services.process_snapshot import Snapshot
from mongoengine import signals

#: How long a change made by another process may take to be seen here.
TTL_SECONDS = 5.0


class UnitSnapshot:
    """All units by code, read again when older than the TTL or forgotten."""

    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._units = Snapshot(
            lambda: {u.code: u for u in Unit.objects()},
            Unit._get_collection,  # another database (a new app) → read again
            ttl,
            clock,
        )

    def find(self, code: str) -> Unit | None:
        """The unit with this code as of the snapshot, or None."""
        return self._units.get().get(code)

    def forget(self) -> None:
        """Drop the snapshot; the next :meth:`find` reads the units again."""
        self._units.forget()


_SNAPSHOT = UnitSnapshot()


def find(code: str) -> Unit | None:
    """The unit with this code from the process's snapshot, or None."""
    return _SNAPSHOT.find(code)


def forget(*_: Any, **__: Any) -> None:
    """Drop the process's snapshot (a unit was written)."""
    _SNAPSHOT.forget()


signals.post_save.connect(forget, sender=Unit, weak=False)
signals.post_delete.connect(forget, sender=Unit, weak=False)
