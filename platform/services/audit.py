"""Recording and reading the append-only audit log.

Every unit and account action goes through :func:`record`; the log is never
updated or deleted (see :class:`~baocao.platform.models.AuditEvent`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.platform.models import AuditEvent
from baocao.platform.services.workhours import utc_naive

logger = logging.getLogger(__name__)


def record(
    actor: str,
    action: str,
    target: str,
    *,
    now: datetime,
    unit: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event and return it.

    :param actor: username of who acted (``system`` for commands and seeding).
    :param action: dotted action key; pages name it with
        ``views.labels.AUDIT_ACTION_LABELS`` (add a label with a new action).
    :param target: ``kind:id`` of what was acted on.
    :param unit: the unit the event concerns, for subtree-scoped reading.
    """
    event = AuditEvent(
        actor=actor,
        action=action,
        target=target,
        unit=unit,
        time=utc_naive(now),
        details=details or {},
    )
    event.save()
    logger.info("audit %s %s %s", actor, action, target)
    return event


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of events, newest first."""

    events: list[AuditEvent]
    total: int
    page: int
    per_page: int


def query(
    *,
    units: Collection[str] | None = None,
    actor: str = "",
    action: str = "",
    target: str = "",
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Return events filtered by the given values, newest first.

    :param units: when given, only events whose ``unit`` is in it (the unit
        admin's subtree); None means every event (system admin).
    """
    filters: dict[str, Any] = {}
    if units is not None:
        filters["unit__in"] = sorted(units)
    if actor:
        filters["actor"] = actor
    if action:
        filters["action"] = action
    if target:
        filters["target"] = target
    found = AuditEvent.objects(**filters).order_by("-time")
    total = found.count()
    page = max(page, 1)
    events = list(found.skip((page - 1) * per_page).limit(per_page))
    return AuditPage(events=events, total=total, page=page, per_page=per_page)


def history(target: str) -> list[AuditEvent]:
    """Every event about one target, oldest first (an account's or unit's history)."""
    return list(AuditEvent.objects(target=target).order_by("time"))
