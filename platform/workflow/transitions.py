"""The submission state machine (DESIGN.md §6) as one pure decision function.

A submission's *position* is its ``state`` (what the last action did), its
``step`` (index of the chain step that acts next; ``None`` once accepted) and the
forward actions already done at that step. :func:`decide` takes the chain, the
position, who is acting (role keys held per unit relation) and the action, and
returns the next position or raises a :class:`WorkflowError` whose HTTP status
the API uses: 403 the actor may not act at this step, 409 the action is not
possible in this state, 422 a reason, signature or cell comment is missing/bad.
The service applies the result as one atomic, version-guarded update.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.workflow.chains import (
    ACTION_NAMES,
    UNIT_NAMES,
    Action,
    ActorUnit,
    Chain,
    ChainStep,
)
from baocao.platform.workflow.errors import (
    ForbiddenActionError,
    InvalidActionInputError,
    TransitionError,
    WorkflowCode,
)

__all__ = [
    "CELL_RE",
    "Actor",
    "Move",
    "Position",
    "State",
    "available_actions",
    "decide",
    "is_editable",
    "waiting_step",
]

#: Public cell address ``Sheet name!A1`` (DESIGN.md §4).
CELL_RE = re.compile(r"^[^!]+![A-Z]{1,3}[1-9][0-9]*$")
_MAX_REASON = 4000


class State(StrEnum):
    """What the last action did to a submission."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    SIGNED = "signed"
    SENT = "sent"
    ACCEPTED = "accepted"
    RETURNED = "returned"


STATE_NAMES: dict[State, str] = {
    State.DRAFT: "bản nháp",
    State.SUBMITTED: "đã trình",
    State.APPROVED: "đã duyệt",
    State.SIGNED: "đã ký",
    State.SENT: "đã gửi",
    State.ACCEPTED: "đã tiếp nhận",
    State.RETURNED: "bị trả lại",
}

_STATE_AFTER: dict[Action, State] = {
    Action.SUBMIT: State.SUBMITTED,
    Action.APPROVE: State.APPROVED,
    Action.SIGN: State.SIGNED,
    Action.SEND: State.SENT,
    Action.ACCEPT: State.ACCEPTED,
    Action.RETURN: State.RETURNED,
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where a submission stands in its chain."""

    state: State = State.DRAFT
    step: int | None = 0
    """Index of the step that acts next; ``None`` when the chain is finished."""
    done: tuple[Action, ...] = ()
    """Forward actions already taken at ``step``."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the (role key, unit relation) pairs they hold for this submission.

    The service derives the pairs from the user's grants for the regime and from
    how the user's unit relates to the submission's unit (same unit → reporting,
    its parent → parent, the regime's receiving unit → receiving).
    """

    holds: frozenset[tuple[str, ActorUnit]] = frozenset()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, ActorUnit | str]]) -> Actor:
        """Build from ``(role, relation)`` pairs, relations as enum or text."""
        return cls(frozenset((str(role), ActorUnit(unit)) for role, unit in pairs))

    def can_act_at(self, step: ChainStep) -> bool:
        """Whether the actor holds the step's role in the step's unit."""
        return (step.actor_role, step.actor_unit) in self.holds


@dataclass(frozen=True, slots=True)
class Move:
    """The outcome of an allowed action."""

    action: Action
    before: Position
    after: Position
    reason: str = ""
    comments: tuple[tuple[str, str], ...] = field(default=())
    """(cell address, comment) pinned by a return."""
    signature: str = ""


def waiting_step(chain: Chain, position: Position) -> ChainStep | None:
    """The step whose actor the submission waits for (``None`` when accepted)."""
    if position.step is None:
        return None
    return chain.steps[position.step]


def is_editable(position: Position) -> bool:
    """Data may change only at the first step (draft, or returned to data entry)."""
    return position.step == 0 and position.state in {State.DRAFT, State.RETURNED}


def _step_actions(chain: Chain, position: Position) -> list[Action]:
    step = waiting_step(chain, position)
    if step is None:
        return []
    allowed: list[Action] = []
    forward = step.forward
    if len(position.done) < len(forward):
        allowed.append(forward[len(position.done)])
    if Action.RETURN in step.actions and position.step:
        allowed.append(Action.RETURN)
    return allowed


def available_actions(chain: Chain, position: Position, actor: Actor) -> list[Action]:
    """Actions the actor may take now (buttons in the form view, the inbox)."""
    step = waiting_step(chain, position)
    if step is None or not actor.can_act_at(step):
        return []
    return _step_actions(chain, position)


def decide(
    chain: Chain,
    position: Position,
    actor: Actor,
    action: Action | str,
    *,
    reason: str | None = None,
    to_step: int | None = None,
    signature: str | None = None,
    comments: Mapping[str, str] | None = None,
    cells: Collection[str] | None = None,
) -> Move:
    """Decide the next position for an action, or raise why it is not possible.

    :param to_step: for ``return``, the earlier step index to go back to
        (default 0, data entry).
    :param signature: for ``sign`` at a step that requires it, a reference to
        the signature (e.g. the signed PDF's sha256).
    :param comments: for ``return``, comments pinned to cells ``{"Biểu!D7": "…"}``.
    :param cells: when given, the cell addresses comments may refer to.
    :raises ForbiddenActionError: (403) the actor does not hold the step's role.
    :raises TransitionError: (409) the action is not possible now.
    :raises InvalidActionInputError: (422) missing reason/signature, bad target.
    """
    name = str(action)
    try:
        action = Action(name)
    except ValueError:
        action = None  # type: ignore[assignment]
    step = waiting_step(chain, position)
    allowed = _step_actions(chain, position)
    if step is not None and not actor.can_act_at(step) and action is not None:
        raise ForbiddenActionError(
            WorkflowCode.WF020,
            action=ACTION_NAMES[action],
            step=step.name,
            role=_role_name(step.actor_role),
            unit=UNIT_NAMES[step.actor_unit],
        )
    if action is None or action not in allowed:
        raise TransitionError(
            WorkflowCode.WF021,
            action=ACTION_NAMES.get(action, name) if action else name,
            state=STATE_NAMES[position.state],
            step=step.name if step else "đã kết thúc",
            allowed=", ".join(ACTION_NAMES[a] for a in allowed) or "không có",
        )
    assert step is not None and position.step is not None  # noqa: S101 - allowed ⇒ step
    if action == Action.RETURN:
        return _return(
            chain,
            position,
            step,
            reason=reason,
            to_step=to_step,
            comments=comments,
            cells=cells,
        )
    if (
        action == Action.SIGN
        and step.signature_required
        and not (signature or "").strip()
    ):
        raise InvalidActionInputError(WorkflowCode.WF024, step=step.name)
    done = (*position.done, action)
    if done == step.forward:
        following = position.step + 1
        after = Position(
            _STATE_AFTER[action], following if following < len(chain.steps) else None
        )
    else:
        after = Position(_STATE_AFTER[action], position.step, done)
    return Move(
        action, position, after, (reason or "").strip(), (), (signature or "").strip()
    )


def _return(
    chain: Chain,
    position: Position,
    step: ChainStep,
    *,
    reason: str | None,
    to_step: int | None,
    comments: Mapping[str, str] | None,
    cells: Collection[str] | None,
) -> Move:
    text = (reason or "").strip()
    if not text:
        raise InvalidActionInputError(WorkflowCode.WF022)
    target = 0 if to_step is None else to_step
    current = position.step or 0
    if not isinstance(target, int) or not 0 <= target < current:
        raise InvalidActionInputError(
            WorkflowCode.WF023,
            target=chain.steps[target].name
            if isinstance(target, int) and 0 <= target < len(chain.steps)
            else str(target),
            step=step.name,
        )
    pinned = _check_comments(comments or {}, cells)
    after = Position(State.RETURNED, target, ())
    return Move(Action.RETURN, position, after, text[:_MAX_REASON], pinned)


def _check_comments(
    comments: Mapping[str, str], cells: Collection[str] | None
) -> tuple[tuple[str, str], ...]:
    pinned = []
    for cell, text in comments.items():
        if not CELL_RE.match(str(cell)):
            raise InvalidActionInputError(
                WorkflowCode.WF025, cell=cell, detail="địa chỉ ô sai dạng"
            )
        if cells is not None and cell not in cells:
            raise InvalidActionInputError(
                WorkflowCode.WF025, cell=cell, detail="ô không có trong biểu mẫu"
            )
        if not str(text or "").strip():
            raise InvalidActionInputError(
                WorkflowCode.WF025, cell=cell, detail="ý kiến trống"
            )
        pinned.append((str(cell), str(text).strip()))
    return tuple(sorted(pinned))


def _role_name(key: str) -> str:
    try:
        return ROLE_NAMES[Role(key)]
    except ValueError:
        return key
