"""Approval chains: the ready-made chain and every validation rule (DESIGN.md §6, §8)."""

# ruff: noqa: E501 - expected Vietnamese messages are quoted whole, on one line
from __future__ import annotations

import pytest
from baocao.platform.workflow.chains import (
    Action,
    ActorUnit,
    Chain,
    ChainStep,
    chain_problems,
    default_chain,
    validate_chain,
)
from baocao.platform.workflow.errors import ChainInvalidError, WorkflowCode


def test_default_chain_is_valid_and_round_trips() -> None:
    """WF-C01: nhaplieu submits → lanhdao approves and signs → gui sends → tonghop accepts."""
    chain = default_chain()
    assert validate_chain(chain) is chain
    assert [
        (s.actor_role, s.actor_unit.value, [a.value for a in s.actions])
        for s in chain.steps
    ] == [
        ("nhaplieu", "reporting", ["submit"]),
        ("lanhdao", "reporting", ["approve", "sign", "return"]),
        ("gui", "reporting", ["send", "return"]),
        ("tonghop", "receiving", ["accept", "return"]),
    ]
    assert chain.steps[1].signature_required
    assert Chain.from_dict(chain.to_dict()) == chain


def test_from_dict_orders_actions() -> None:
    payload = default_chain().to_dict()
    payload["steps"][1]["actions"] = ["return", "sign", "approve"]
    assert Chain.from_dict(payload).steps[1].actions == (
        Action.APPROVE,
        Action.SIGN,
        Action.RETURN,
    )


def _with(index: int, **changes: object) -> Chain:
    chain = default_chain()
    steps = list(chain.steps)
    fields = steps[index].to_dict() | changes
    steps[index] = ChainStep(
        fields["name"],
        fields["actor_role"],
        ActorUnit(fields["actor_unit"]),
        tuple(Action(a) for a in fields["actions"]),
        fields["signature_required"],
    )
    return Chain(chain.name, tuple(steps))


@pytest.mark.parametrize(
    ("chain", "problem"),
    [
        (
            _with(0, actor_role="lanhdao"),
            "bước 1 'Nhập liệu trình': bước đầu tiên phải do Nhập liệu (nhaplieu) của đơn vị báo cáo",
        ),
        (
            _with(0, actions=["submit", "approve"]),
            "bước 1 'Nhập liệu trình': bước đầu tiên chỉ có thao tác trình (submit)",
        ),
        (
            _with(0, actions=["submit", "return"]),
            "bước 1 'Nhập liệu trình': bước đầu tiên không thể trả lại (không có bước trước)",
        ),
        (
            _with(1, actions=["submit", "approve"]),
            "bước 2 'Lãnh đạo duyệt, ký': chỉ bước đầu tiên mới có thao tác trình (submit)",
        ),
        (
            _with(2, actions=["return"]),
            "bước 3 'Văn thư gửi báo cáo': bước phải có thao tác chuyển tiếp (duyệt, ký, gửi hoặc tiếp nhận)",
        ),
        (
            _with(2, actions=["send", "accept"]),
            "bước 3 'Văn thư gửi báo cáo': chỉ bước cuối cùng mới được tiếp nhận (accept)",
        ),
        (
            _with(3, actions=["approve", "return"]),
            "bước 4 'Đơn vị nhận tiếp nhận': bước cuối cùng phải có thao tác tiếp nhận (accept)",
        ),
        (
            _with(3, actor_unit="parent"),
            "bước 4 'Đơn vị nhận tiếp nhận': bước cuối cùng phải do đơn vị nhận báo cáo thực hiện",
        ),
        (
            _with(1, actions=["approve", "return"]),
            "bước 2 'Lãnh đạo duyệt, ký': yêu cầu chữ ký số nhưng bước không có thao tác ký (sign)",
        ),
        (
            _with(1, actor_role="xem"),
            "bước 2 'Lãnh đạo duyệt, ký': vai trò 'xem' không dùng được; chọn một trong "
            "admin, gui, lanhdao, nhaplieu, thietke, tonghop",
        ),
        (
            _with(2, name="Lãnh đạo duyệt, ký"),
            "bước 2 'Lãnh đạo duyệt, ký': tên bước bị trùng",
        ),
        (_with(2, name=""), "bước 3 '': bước phải có tên"),
        (
            _with(2, actions=[]),
            "bước 3 'Văn thư gửi báo cáo': bước phải có ít nhất một thao tác",
        ),
        (Chain("", default_chain().steps), "quy trình phải có tên"),
        (
            Chain("x", default_chain().steps[:1]),
            "quy trình phải có ít nhất hai bước: trình và tiếp nhận",
        ),
        (Chain("x", ()), "quy trình phải có ít nhất hai bước"),
    ],
)
def test_each_rule_is_reported(chain: Chain, problem: str) -> None:
    """WF-C02: every broken rule is named, in Vietnamese, with its step."""
    assert problem in chain_problems(chain)
    with pytest.raises(ChainInvalidError) as caught:
        validate_chain(chain)
    assert caught.value.code == "WF010"
    assert problem in caught.value.problems
    assert caught.value.message == WorkflowCode.WF010.format(
        chain=chain.name or "?", problems="; ".join(caught.value.problems)
    )


def test_from_dict_reports_every_bad_field_at_once() -> None:
    payload = {
        "name": "Q",
        "steps": [
            {
                "name": "a",
                "actor_role": "nhaplieu",
                "actor_unit": "moon",
                "actions": ["submit"],
            },
            {
                "name": "b",
                "actor_role": "tonghop",
                "actor_unit": "receiving",
                "actions": ["accept", "fly"],
            },
            "not a step",
        ],
    }
    with pytest.raises(ChainInvalidError) as caught:
        Chain.from_dict(payload)
    assert caught.value.problems == [
        "bước 1: 'actor_unit' phải là reporting, parent hoặc receiving",
        "bước 2: thao tác 'fly' không tồn tại",
        "bước 3 phải là một đối tượng",
    ]
    assert caught.value.to_dict()["problems"] == caught.value.problems
    with pytest.raises(ChainInvalidError):
        Chain.from_dict({"name": "Q", "steps": "abc"})


def test_minimal_two_step_chain() -> None:
    chain = Chain.from_dict(
        {
            "name": "Ngắn",
            "steps": [
                {
                    "name": "Trình",
                    "actor_role": "nhaplieu",
                    "actor_unit": "reporting",
                    "actions": ["submit"],
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
    assert len(chain.steps) == 2
