"""What follows a chain transition, done after the request (issue #5 item 12).

Moving a report through its chain writes the new state, its history event and
the audit record in the request; everything that only *follows* from the move
is queued here as one Celery task: the notifications of the accounts it
concerns, the published indicator values and the stored aggregates when a
report is accepted or leaves the accepted state, and the packages for the
national exchange. Done in the request, these cost several times the
transition itself (an acceptance resolved recipients, projected values and
marked every stored aggregate of the period), which is what kept the load
benchmark's chain phase above its goal.

Nothing is lost by queuing: the task reads the submission by id when it runs;
without a Celery app (a script or a service called outside the web app) the
effects run at once, as before. The packages and values describe the report as
it is when the task runs; a later transition queues its own task.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from baocao.platform.models.workflow import Submission
from baocao.platform.tasks import enqueue
from baocao.platform.workflow.chains import Action
from baocao.platform.workflow.transitions import State
from celery import shared_task

logger = logging.getLogger(__name__)

TASK_NAME = "baocao.workflow.after_transition"


@dataclass(frozen=True, slots=True)
class Moved:
    """The part of a chain move its effects need (JSON-able, for the task)."""

    action: str
    """The chain action (:class:`~baocao.platform.workflow.chains.Action` value)."""
    from_state: str
    from_step: int | None
    state: str
    step: int | None
    reason: str
    actor: str
    time: str
    """ISO 8601 instant of the move."""

    @property
    def touches_acceptance(self) -> bool:
        """The report entered or left the accepted state."""
        return State.ACCEPTED.value in (self.from_state, self.state)


def queue(sub: Submission, moved: Moved) -> None:
    """Hand the effects of ``moved`` to the worker, or run them now without one.

    A move with nothing to follow (an approval inside a step, with no exchange
    package to send) queues nothing: handing a task over costs about a
    millisecond of the request.
    """
    if not has_effects(moved):
        return
    if not enqueue(TASK_NAME, str(sub.pk), asdict(moved)):
        apply(sub, moved)


def has_effects(moved: Moved) -> bool:
    """Whether :func:`apply` would do anything for this move."""
    from baocao.platform.exchange import events as exchange_events

    notifies = moved.action == Action.ACCEPT.value or moved.step != moved.from_step
    tracked = moved.state in exchange_events.STATUS_STATES
    exchanged = tracked and exchange_events.enabled()
    return notifies or exchanged or moved.touches_acceptance


@shared_task(name=TASK_NAME, ignore_result=True)
def after_transition_task(submission_id: str, payload: dict[str, Any]) -> None:
    """Celery entry point: the effects of one move of one submission."""
    sub = Submission.objects(id=submission_id).first()
    if sub is None:  # never deleted (Đ.19), but an id may be wrong
        logger.warning("không tìm thấy báo cáo %s", submission_id)
        return
    apply(sub, Moved(**payload))


def apply(sub: Submission, moved: Moved) -> None:
    """Notifications, indicator values, stored aggregates and exchange packages.

    Each effect is independent: one failing is logged and the others still run.
    """
    from baocao.platform.exchange import events as exchange_events
    from baocao.platform.services import (
        aggregate_cache,
        indicator_values,
        notifications,
    )
    from baocao.platform.services import workflow_config as config

    now = datetime.fromisoformat(moved.time)
    regime = config.get_regime(sub.regime_id)
    chain = config.get_chain(regime.chain_id).chain()
    effects = []
    if moved.touches_acceptance:
        effects += [
            lambda: indicator_values.sync_submission(sub, now=now),
            lambda: aggregate_cache.on_accepted(sub, now),
        ]
    effects += [
        lambda: notifications.after_move(sub, regime, chain, moved, now=now),
        lambda: exchange_events.submission_changed(sub, now),
    ]
    for effect in effects:
        try:
            effect()
        except Exception:
            # The move is stored; an effect that fails is logged, never raised.
            logger.exception(
                "việc sau thao tác %s trên báo cáo %s lỗi", moved.action, sub.pk
            )
