"""Per-process memo of Flask-AppBuilder's permission checks.

FAB asks the SQL store on every protected request whether the public role holds
the permission and then whether one of the caller's roles does: two queries per
request that returned the same answer all day, a sizeable share of a draft
save's time under load (``benchmarks/bench_workflow.py``). Roles and permissions
change only when an administrator edits them or ``sync_security`` runs, so the
answers are kept per process and dropped

- at once in the process whose SQLAlchemy session flushes a change to a role, a
  permission, a view or their links (FAB's role and permission views, the
  ``sync_security`` command run in-process);
- after :data:`TTL_SECONDS` everywhere else (the other web worker processes).

A revoked permission therefore stops working in the process where it was revoked
at once, and in the other worker processes within :data:`TTL_SECONDS`.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable

from baocao.platform.services.process_snapshot import forget_on_flush
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    Role,
    ViewMenu,
)

#: How long another process's permission change may take to reach this one.
TTL_SECONDS = 10.0
_WATCHED = (Role, Permission, PermissionView, ViewMenu)
_MEMOS: weakref.WeakSet[PermissionMemo] = weakref.WeakSet()


class PermissionMemo:
    """Answers of permission checks by key, forgotten together after a TTL."""

    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl, self._clock = ttl, clock
        self._answers: dict[Hashable, bool] = {}
        self._lock = threading.Lock()
        self._since = clock()
        _MEMOS.add(self)

    def answer(self, key: Hashable, compute: Callable[[], bool]) -> bool:
        """The remembered answer for ``key``, computed (and kept) when missing."""
        with self._lock:
            if self._clock() - self._since > self._ttl:
                self._forget()
            if key in self._answers:
                return self._answers[key]
        value = bool(compute())
        with self._lock:
            self._answers[key] = value
        return value

    def clear(self) -> None:
        """Forget every answer (a role or permission changed)."""
        with self._lock:
            self._forget()

    def _forget(self) -> None:
        self._answers.clear()
        self._since = self._clock()


def _clear_all() -> None:
    for memo in list(_MEMOS):
        memo.clear()


forget_on_flush(_WATCHED, _clear_all)
