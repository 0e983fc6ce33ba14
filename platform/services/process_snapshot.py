"""A value read from a store at most once every few seconds per process.

For data that every request needs and that changes rarely (the unit tree, the
accounts and their roles): reading it per request was a measurable share of the
load benchmark's time. The owner drops the snapshot at once when this process
writes the data (signals, flush events) and it is read again after the TTL anyway,
which is how long a change made by another process may go unseen here. A change
of store (a new app or test database, told by ``source``) reads it again too.
The value is shared between threads: read it, never change it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import chain
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_MISSING = object()  # no value read yet, or forgotten


class Snapshot(Generic[T]):
    """``read()``'s value, read again when older than ``ttl`` seconds, when
    ``source()`` returns another object than last time, or after :meth:`forget`."""

    def __init__(
        self,
        read: Callable[[], T],
        source: Callable[[], object],
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read, self._source = read, source
        self._ttl, self._clock = ttl, clock
        # Re-entrant: reading may flush an SQLAlchemy session (autoflush), and a
        # flush of a watched model calls forget() on this very snapshot.
        self._lock = threading.RLock()
        self._value: T | object = _MISSING
        self._taken = 0.0
        self._from: object = None

    def get(self) -> T:
        """The current value, read first when missing or stale."""
        store = self._source()
        with self._lock:
            stale = self._clock() - self._taken > self._ttl or store is not self._from
            if self._value is _MISSING or stale:
                self._value = self._read()
                self._taken, self._from = self._clock(), store
            return self._value  # type: ignore[return-value]

    def forget(self) -> None:
        """Drop the value; the next :meth:`get` reads it again."""
        with self._lock:
            self._value = _MISSING


def forget_on_flush(watched: tuple[type, ...], forget: Callable[[], None]) -> None:
    """Call ``forget()`` after any SQLAlchemy session of this process flushes a
    new, changed or deleted instance of one of the ``watched`` models (an
    administrator's edit in FAB's views, ``sync_security``, an import). Register
    once per ``forget``, at import time."""

    def after_flush(session: Session, _context: Any) -> None:
        touched = chain(session.new, session.dirty, session.deleted)
        if any(isinstance(item, watched) for item in touched):
            forget()

    event.listen(Session, "after_flush", after_flush)
