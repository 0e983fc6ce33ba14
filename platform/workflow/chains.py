"""Approval chains: ordered steps saying who acts, where, and with which actions.

DHIS2 ties approval to the unit hierarchy; here an admin configures the chain per
regime (DESIGN.md §6). A step names a role key (``baocao.platform.roles.Role``),
the unit where that role must sit relative to the submission (the reporting
unit, its parent, or the regime's receiving unit), the actions it may take and
whether its ``sign`` action must carry a digital signature.

Within a step the forward actions happen in the fixed order approve → sign →
send → accept; the step is complete after the last one. ``return`` is never part
of that sequence: it sends the submission back to an earlier step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.workflow.errors import ChainInvalidError

__all__ = [
    "CHAIN_ROLES",
    "FORWARD_ORDER",
    "Action",
    "ActorUnit",
    "Chain",
    "ChainStep",
    "chain_problems",
    "default_chain",
    "validate_chain",
]


class Action(StrEnum):
    """What an actor does to a submission."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    SIGN = "sign"
    SEND = "send"
    ACCEPT = "accept"


ACTION_NAMES: dict[Action, str] = {
    Action.SUBMIT: "trình",
    Action.APPROVE: "duyệt",
    Action.RETURN: "trả lại",
    Action.SIGN: "ký",
    Action.SEND: "gửi",
    Action.ACCEPT: "tiếp nhận",
}

#: Order in which a step's forward actions must happen.
FORWARD_ORDER: tuple[Action, ...] = (
    Action.SUBMIT,
    Action.APPROVE,
    Action.SIGN,
    Action.SEND,
    Action.ACCEPT,
)


class ActorUnit(StrEnum):
    """Where the acting role must sit, relative to the submission's unit."""

    REPORTING = "reporting"
    PARENT = "parent"
    RECEIVING = "receiving"


UNIT_NAMES: dict[ActorUnit, str] = {
    ActorUnit.REPORTING: "đơn vị báo cáo",
    ActorUnit.PARENT: "đơn vị cấp trên của đơn vị báo cáo",
    ActorUnit.RECEIVING: "đơn vị nhận báo cáo",
}

#: Role keys a chain step may name (DESIGN.md §8).
CHAIN_ROLES: frozenset[str] = frozenset(
    r.value
    for r in (
        Role.DATA_ENTRY,
        Role.APPROVER,
        Role.SENDER,
        Role.AGGREGATOR,
        Role.DESIGNER,
        Role.UNIT_ADMIN,
    )
)


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One step of a chain."""

    name: str
    """Shown to users ("Lãnh đạo đơn vị duyệt, ký")."""
    actor_role: str
    """Role key of whoever acts at this step."""
    actor_unit: ActorUnit
    """Where that role must sit."""
    actions: tuple[Action, ...]
    """Allowed actions, forward ones in :data:`FORWARD_ORDER`, return last."""
    signature_required: bool = False
    """Whether ``sign`` must carry a digital signature reference."""

    @property
    def forward(self) -> tuple[Action, ...]:
        """Forward actions this step must perform, in order."""
        return tuple(a for a in FORWARD_ORDER if a in self.actions)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form used by the API and the documents."""
        return {
            "name": self.name,
            "actor_role": self.actor_role,
            "actor_unit": self.actor_unit.value,
            "actions": [a.value for a in self.actions],
            "signature_required": self.signature_required,
        }


@dataclass(frozen=True, slots=True)
class Chain:
    """An ordered list of steps; index 0 is where data is entered and submitted."""

    name: str
    steps: tuple[ChainStep, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready ``{"name", "steps"}``."""
        return {"name": self.name, "steps": [s.to_dict() for s in self.steps]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chain:
        """Parse and validate an API payload or stored document.

        :raises ChainInvalidError: listing every problem, in Vietnamese.
        """
        name = str(data.get("name") or "").strip()
        raw_steps = data.get("steps")
        problems: list[str] = []
        steps: list[ChainStep] = []
        if not isinstance(raw_steps, Sequence) or isinstance(raw_steps, str | bytes):
            raise ChainInvalidError(name or "?", ["'steps' phải là danh sách các bước"])
        for index, raw in enumerate(raw_steps, start=1):
            step = _parse_step(index, raw, problems)
            if step is not None:
                steps.append(step)
        if problems:
            raise ChainInvalidError(name or "?", problems)
        return validate_chain(cls(name, tuple(steps)))


def _parse_step(index: int, raw: Any, problems: list[str]) -> ChainStep | None:
    if not isinstance(raw, Mapping):
        problems.append(f"bước {index} phải là một đối tượng")
        return None
    where = f"bước {index}"
    try:
        unit = ActorUnit(str(raw.get("actor_unit")))
    except ValueError:
        problems.append(
            f"{where}: 'actor_unit' phải là reporting, parent hoặc receiving"
        )
        return None
    actions: list[Action] = []
    for value in _as_list(raw.get("actions")):
        try:
            actions.append(Action(str(value)))
        except ValueError:
            problems.append(f"{where}: thao tác '{value}' không tồn tại")
    ordered = [a for a in FORWARD_ORDER if a in actions]
    if Action.RETURN in actions:
        ordered.append(Action.RETURN)
    return ChainStep(
        name=str(raw.get("name") or "").strip(),
        actor_role=str(raw.get("actor_role") or "").strip(),
        actor_unit=unit,
        actions=tuple(ordered),
        signature_required=bool(raw.get("signature_required", False)),
    )


def _as_list(value: Any) -> Iterable[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return ()
    return value


def chain_problems(chain: Chain) -> list[str]:
    """Every rule the chain breaks, as Vietnamese sentences (empty when valid)."""
    problems: list[str] = []
    if not chain.name:
        problems.append("quy trình phải có tên")
    if not chain.steps:
        return [*problems, "quy trình phải có ít nhất hai bước"]
    names = [s.name for s in chain.steps]
    last = len(chain.steps) - 1
    for index, step in enumerate(chain.steps):
        where = f"bước {index + 1} '{step.name}'"
        problems.extend(f"{where}: {p}" for p in _step_problems(step, index, last))
        if step.name and names.count(step.name) > 1 and names.index(step.name) == index:
            problems.append(f"{where}: tên bước bị trùng")
    if len(chain.steps) < 2:  # noqa: PLR2004 - someone must receive what is submitted
        problems.append("quy trình phải có ít nhất hai bước: trình và tiếp nhận")
    return problems


def _step_problems(step: ChainStep, index: int, last: int) -> list[str]:
    found: list[str] = []
    if not step.name:
        found.append("bước phải có tên")
    if step.actor_role not in CHAIN_ROLES:
        found.append(
            f"vai trò '{step.actor_role}' không dùng được; chọn một trong "
            + ", ".join(sorted(CHAIN_ROLES))
        )
    if not step.actions:
        found.append("bước phải có ít nhất một thao tác")
    if step.signature_required and Action.SIGN not in step.actions:
        found.append("yêu cầu chữ ký số nhưng bước không có thao tác ký (sign)")
    return found + _position_problems(step, index, last)


def _position_problems(step: ChainStep, index: int, last: int) -> list[str]:
    """Rules that depend on where the step sits: first, middle or last."""
    found: list[str] = []
    if index == 0:
        if step.actor_role != Role.DATA_ENTRY or step.actor_unit != ActorUnit.REPORTING:
            found.append(
                "bước đầu tiên phải do Nhập liệu (nhaplieu) của đơn vị báo cáo"
            )
        if step.forward != (Action.SUBMIT,):
            found.append("bước đầu tiên chỉ có thao tác trình (submit)")
        if Action.RETURN in step.actions:
            found.append("bước đầu tiên không thể trả lại (không có bước trước)")
    else:
        if Action.SUBMIT in step.actions:
            found.append("chỉ bước đầu tiên mới có thao tác trình (submit)")
        if not step.forward:
            found.append(
                "bước phải có thao tác chuyển tiếp (duyệt, ký, gửi hoặc tiếp nhận)"
            )
    if Action.ACCEPT in step.actions and index != last:
        found.append("chỉ bước cuối cùng mới được tiếp nhận (accept)")
    if index == last and index > 0 and Action.ACCEPT not in step.actions:
        found.append("bước cuối cùng phải có thao tác tiếp nhận (accept)")
    if index == last and step.actor_unit != ActorUnit.RECEIVING:
        found.append("bước cuối cùng phải do đơn vị nhận báo cáo thực hiện")
    return found


def validate_chain(chain: Chain) -> Chain:
    """Return ``chain`` unchanged when valid.

    :raises ChainInvalidError: listing every broken rule.
    """
    problems = chain_problems(chain)
    if problems:
        raise ChainInvalidError(chain.name or "?", problems)
    return chain


def default_chain() -> Chain:
    """The ready-made chain: nhaplieu submits → lanhdao approves and signs → gui
    sends → the receiving unit's tonghop accepts or returns."""
    return Chain(
        name="Quy trình chuẩn: nhập liệu → lãnh đạo duyệt, ký → gửi → tiếp nhận",
        steps=(
            ChainStep(
                f"{ROLE_NAMES[Role.DATA_ENTRY]} trình",
                Role.DATA_ENTRY.value,
                ActorUnit.REPORTING,
                (Action.SUBMIT,),
            ),
            ChainStep(
                f"{ROLE_NAMES[Role.APPROVER]} duyệt, ký",
                Role.APPROVER.value,
                ActorUnit.REPORTING,
                (Action.APPROVE, Action.SIGN, Action.RETURN),
                signature_required=True,
            ),
            ChainStep(
                "Văn thư gửi báo cáo",
                Role.SENDER.value,
                ActorUnit.REPORTING,
                (Action.SEND, Action.RETURN),
            ),
            ChainStep(
                "Đơn vị nhận tiếp nhận",
                Role.AGGREGATOR.value,
                ActorUnit.RECEIVING,
                (Action.ACCEPT, Action.RETURN),
            ),
        ),
    )
