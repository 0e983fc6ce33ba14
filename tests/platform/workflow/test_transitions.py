"""The submission state machine: every action x role x unit relation (DESIGN.md §6)."""

# ruff: noqa: E501 - expected Vietnamese messages are quoted whole, on one line
from __future__ import annotations

import pytest
from baocao.platform.roles import Role
from baocao.platform.workflow.chains import Action, ActorUnit, Chain, default_chain
from baocao.platform.workflow.errors import (
    ForbiddenActionError,
    InvalidActionInputError,
    TransitionError,
    WorkflowCode,
)
from baocao.platform.workflow.transitions import (
    Actor,
    Position,
    State,
    available_actions,
    decide,
    is_editable,
)

CHAIN = default_chain()
R, P, V = ActorUnit.REPORTING, ActorUnit.PARENT, ActorUnit.RECEIVING

#: Oracle written out by hand for the ready-made chain:
#: position → (role, relation) that acts → {allowed action: position after}.
TABLE: dict[
    str, tuple[Position, tuple[str, ActorUnit] | None, dict[Action, Position]]
] = {
    "draft": (
        Position(State.DRAFT, 0),
        ("nhaplieu", R),
        {Action.SUBMIT: Position(State.SUBMITTED, 1)},
    ),
    "returned": (
        Position(State.RETURNED, 0),
        ("nhaplieu", R),
        {Action.SUBMIT: Position(State.SUBMITTED, 1)},
    ),
    "submitted": (
        Position(State.SUBMITTED, 1),
        ("lanhdao", R),
        {
            Action.APPROVE: Position(State.APPROVED, 1, (Action.APPROVE,)),
            Action.RETURN: Position(State.RETURNED, 0),
        },
    ),
    "approved": (
        Position(State.APPROVED, 1, (Action.APPROVE,)),
        ("lanhdao", R),
        {
            Action.SIGN: Position(State.SIGNED, 2),
            Action.RETURN: Position(State.RETURNED, 0),
        },
    ),
    "signed": (
        Position(State.SIGNED, 2),
        ("gui", R),
        {
            Action.SEND: Position(State.SENT, 3),
            Action.RETURN: Position(State.RETURNED, 0),
        },
    ),
    "sent": (
        Position(State.SENT, 3),
        ("tonghop", V),
        {
            Action.ACCEPT: Position(State.ACCEPTED, None),
            Action.RETURN: Position(State.RETURNED, 0),
        },
    ),
    "accepted": (Position(State.ACCEPTED, None), None, {}),
}
PAIRS = [(role.value, unit) for role in Role for unit in ActorUnit]


def _act(position: Position, actor: Actor, action: Action) -> Position:
    return decide(
        CHAIN,
        position,
        actor,
        action,
        reason="Số liệu chưa khớp",
        signature="sha256:ab",
    ).after


@pytest.mark.parametrize("name", list(TABLE))
@pytest.mark.parametrize("pair", PAIRS, ids=[f"{r}@{u.value}" for r, u in PAIRS])
def test_every_action_by_every_role_and_relation(
    name: str, pair: tuple[str, ActorUnit]
) -> None:
    """WF-T01: allowed → the tabled position; other actor → 403; wrong action → 409."""
    position, acting, allowed = TABLE[name]
    actor = Actor.of([pair])
    for action in Action:
        if acting is None:
            with pytest.raises(TransitionError) as caught:
                _act(position, actor, action)
            assert caught.value.http_status == 409
        elif pair != acting:
            with pytest.raises(ForbiddenActionError) as caught:
                _act(position, actor, action)
            assert caught.value.http_status == 403
            assert caught.value.code == "WF020"
        elif action in allowed:
            assert _act(position, actor, action) == allowed[action]
        else:
            with pytest.raises(TransitionError) as caught:
                _act(position, actor, action)
            assert caught.value.code == "WF021"
    expected_buttons = list(allowed) if pair == acting else []
    assert available_actions(CHAIN, position, actor) == expected_buttons


def test_a_user_holding_several_roles_walks_the_whole_chain() -> None:
    """WF-T02: the whole chain, from draft to accepted, in order."""
    actor = Actor.of([("nhaplieu", R), ("lanhdao", R), ("gui", R), ("tonghop", V)])
    position = Position()
    states = []
    for action in (
        Action.SUBMIT,
        Action.APPROVE,
        Action.SIGN,
        Action.SEND,
        Action.ACCEPT,
    ):
        position = _act(position, actor, action)
        states.append(position.state.value)
    assert states == ["submitted", "approved", "signed", "sent", "accepted"]
    assert position.step is None
    assert available_actions(CHAIN, position, actor) == []


def test_return_needs_a_reason() -> None:
    """WF-T03: return without a reason (or only spaces) is a 422 with WF022."""
    actor = Actor.of([("lanhdao", R)])
    for reason in (None, "", "   "):
        with pytest.raises(InvalidActionInputError) as caught:
            decide(CHAIN, Position(State.SUBMITTED, 1), actor, "return", reason=reason)
        assert caught.value.message == WorkflowCode.WF022.format()
        assert caught.value.http_status == 422


def test_return_to_an_earlier_step_with_cell_comments() -> None:
    """WF-T04: the receiving unit returns to the leader; comments are pinned to cells."""
    actor = Actor.of([("tonghop", V)])
    move = decide(
        CHAIN,
        Position(State.SENT, 3),
        actor,
        "return",
        reason=" Thiếu chữ ký ",
        to_step=1,
        comments={"Biểu 01!D7": "Số liệu lệch kỳ trước", "Biểu 01!A2": "x"},
        cells={"Biểu 01!D7", "Biểu 01!A2"},
    )
    assert move.after == Position(State.RETURNED, 1)
    assert move.reason == "Thiếu chữ ký"
    assert move.comments == (
        ("Biểu 01!A2", "x"),
        ("Biểu 01!D7", "Số liệu lệch kỳ trước"),
    )
    assert not is_editable(move.after)
    leader = Actor.of([("lanhdao", R)])
    assert available_actions(CHAIN, move.after, leader) == [
        Action.APPROVE,
        Action.RETURN,
    ]


@pytest.mark.parametrize("target", [3, 4, -1])
def test_return_only_goes_backwards(target: int) -> None:
    actor = Actor.of([("tonghop", V)])
    with pytest.raises(InvalidActionInputError) as caught:
        decide(
            CHAIN, Position(State.SENT, 3), actor, "return", reason="r", to_step=target
        )
    assert caught.value.code == "WF023"


@pytest.mark.parametrize(
    ("comments", "detail"),
    [
        ({"D7": "x"}, "địa chỉ ô sai dạng"),
        ({"Biểu 01!d7": "x"}, "địa chỉ ô sai dạng"),
        ({"Biểu 01!Z99": "x"}, "ô không có trong biểu mẫu"),
        ({"Biểu 01!D7": "  "}, "ý kiến trống"),
    ],
)
def test_bad_cell_comments(comments: dict, detail: str) -> None:
    actor = Actor.of([("lanhdao", R)])
    with pytest.raises(InvalidActionInputError) as caught:
        decide(
            CHAIN,
            Position(State.SUBMITTED, 1),
            actor,
            "return",
            reason="r",
            comments=comments,
            cells={"Biểu 01!D7"},
        )
    cell = next(iter(comments))
    assert caught.value.message == WorkflowCode.WF025.format(cell=cell, detail=detail)


def test_sign_requires_a_signature_when_the_step_says_so() -> None:
    """WF-T05: signature_required → sign without a signature reference is 422."""
    actor = Actor.of([("lanhdao", R)])
    position = Position(State.APPROVED, 1, (Action.APPROVE,))
    with pytest.raises(InvalidActionInputError) as caught:
        decide(CHAIN, position, actor, "sign")
    assert caught.value.message == WorkflowCode.WF024.format(step="Lãnh đạo duyệt, ký")
    assert (
        decide(CHAIN, position, actor, "sign", signature="abc").after.state
        == State.SIGNED
    )


def test_parent_unit_step_and_unsigned_sign() -> None:
    """WF-T06: a step at the parent unit is for the parent's leader only."""
    chain = Chain.from_dict(
        {
            "name": "Qua cấp trên",
            "steps": [
                {
                    "name": "Trình",
                    "actor_role": "nhaplieu",
                    "actor_unit": "reporting",
                    "actions": ["submit"],
                },
                {
                    "name": "Cấp trên duyệt",
                    "actor_role": "lanhdao",
                    "actor_unit": "parent",
                    "actions": ["approve", "sign", "return"],
                },
                {
                    "name": "Nhận",
                    "actor_role": "tonghop",
                    "actor_unit": "receiving",
                    "actions": ["accept", "return"],
                },
            ],
        }
    )
    at_parent = Position(State.SUBMITTED, 1)
    with pytest.raises(ForbiddenActionError):
        decide(chain, at_parent, Actor.of([("lanhdao", R)]), "approve")
    parent = Actor.of([("lanhdao", P)])
    after = decide(chain, at_parent, parent, "approve").after
    assert after == Position(State.APPROVED, 1, (Action.APPROVE,))
    assert decide(chain, after, parent, "sign").after == Position(State.SIGNED, 2)


def test_unknown_action_is_409_with_the_allowed_list() -> None:
    with pytest.raises(TransitionError) as caught:
        decide(CHAIN, Position(), Actor.of([("nhaplieu", R)]), "publish")
    assert caught.value.message == WorkflowCode.WF021.format(
        action="publish", state="bản nháp", step="Nhập liệu trình", allowed="trình"
    )


def test_editable_only_at_data_entry() -> None:
    assert is_editable(Position())
    assert is_editable(Position(State.RETURNED, 0))
    assert not is_editable(Position(State.SUBMITTED, 1))
    assert not is_editable(Position(State.ACCEPTED, None))
