"""Regimes: every element Nghị định 09/2019 Đ.7 requires, before publishing."""

from __future__ import annotations

from typing import Any

import pytest
from baocao.platform.workflow.errors import RegimeIncompleteError, WorkflowCode
from baocao.platform.workflow.regime import (
    RegimeSpec,
    UnitRef,
    UnitSelector,
    check_regime,
    require_publishable,
    resolve_units,
)

COMPLETE: dict[str, Any] = {
    "name": "Báo cáo tình hình kinh tế - xã hội tháng",
    "kind": "dinh_ky",
    "content": "numeric",
    "reporting_units": ["28249", "28261"],
    "receiving_unit": "SKHCN",
    "methods": ["he_thong"],
    "cutoff": {"kind": "nd09"},
    "deadline": {"kind": "day_of_last_month", "days": 20},
    "frequency": "month",
    "form_id": "f1",
    "form_version": 1,
    "guidance": "Nhập số liệu, lãnh đạo duyệt và ký số, văn thư gửi.",
    "chain_id": "c1",
}


def test_a_complete_regime_is_publishable() -> None:
    spec = RegimeSpec.from_dict(COMPLETE)
    assert check_regime(spec) == []
    assert require_publishable(spec) is spec


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"name": " "}, "tên báo cáo"),
        ({"kind": "monthly"}, "loại báo cáo (định kỳ / chuyên đề / đột xuất)"),
        ({"content": None}, "nội dung báo cáo (số liệu / đề cương / gắn kết)"),
        ({"reporting_units": []}, "chưa chọn đơn vị thực hiện báo cáo"),
        (
            {"reporting_units": {"mode": "kind"}},
            "chưa chọn loại đơn vị thực hiện báo cáo",
        ),
        (
            {"reporting_units": {"mode": "subtree"}},
            "chưa chọn đơn vị gốc của cây đơn vị thực hiện báo cáo",
        ),
        (
            {"reporting_units": {"mode": "all"}},
            "cách chọn đơn vị 'all' không tồn tại (list, kind, subtree)",
        ),
        ({"receiving_unit": ""}, "cơ quan nhận báo cáo"),
        ({"methods": []}, "phương thức gửi, nhận báo cáo"),
        ({"methods": ["pigeon"]}, "phương thức 'pigeon' không tồn tại"),
        ({"cutoff": None}, "thời gian chốt số liệu"),
        (
            {"cutoff": {"kind": "custom", "start_day": 40}},
            "thời gian chốt số liệu: "
            + WorkflowCode.WF003.format(detail="ngày bắt đầu phải từ 1 đến 28"),
        ),
        ({"deadline": None}, "thời hạn gửi báo cáo"),
        (
            {"deadline": {"days": 0}},
            "thời hạn gửi báo cáo: "
            + WorkflowCode.WF004.format(detail="số ngày phải từ 1 đến 60"),
        ),
        ({"frequency": "daily"}, "tần suất thực hiện báo cáo"),
        (
            {"frequency": "once"},
            "báo cáo định kỳ phải có tần suất lặp lại (không phải một lần)",
        ),
        (
            {"frequency": "once", "kind": "dot_xuat"},
            "thời gian chốt số liệu của báo cáo một lần (ngày bắt đầu, kết thúc)",
        ),
        (
            {"frequency": "week"},
            "báo cáo tuần phải tính thời hạn theo số ngày làm việc sau ngày chốt",
        ),
        ({"form_id": ""}, "biểu mẫu số liệu (form_id và form_version)"),
        ({"form_version": None}, "biểu mẫu số liệu (form_id và form_version)"),
        ({"content": "narrative", "form_id": ""}, "mẫu đề cương báo cáo"),
        ({"guidance": ""}, "hướng dẫn quy trình thực hiện báo cáo"),
        ({"chain_id": ""}, "quy trình phê duyệt"),
    ],
)
def test_each_missing_element_blocks_publishing(change: dict, problem: str) -> None:
    """WF-R01: a regime cannot be published while an element is missing or wrong."""
    spec = RegimeSpec.from_dict(COMPLETE | change)
    assert problem in check_regime(spec)
    with pytest.raises(RegimeIncompleteError) as caught:
        require_publishable(spec)
    assert caught.value.code == "WF040"
    assert problem in caught.value.problems
    assert caught.value.http_status == 422


def test_empty_regime_lists_everything() -> None:
    problems = check_regime(RegimeSpec())
    assert len(problems) == 12
    assert problems[0] == "tên báo cáo"


def test_narrative_and_once_regimes() -> None:
    spec = RegimeSpec.from_dict(
        COMPLETE
        | {
            "kind": "chuyen_de",
            "content": "narrative",
            "form_id": "",
            "form_version": None,
            "outline": "<h2>I. Tình hình</h2>",
            "frequency": "once",
            "cutoff": {"windows": {"once": ["2026-05-01", "2026-05-31"]}},
        }
    )
    assert check_regime(spec) == []


UNITS = [
    UnitRef("DT", "province"),
    UnitRef("SKHCN", "department", ("DT",)),
    UnitRef("28249", "commune", ("DT",)),
    UnitRef("28261", "commune", ("DT",)),
    UnitRef("P1", "subunit", ("DT", "SKHCN")),
    UnitRef("P2", "subunit", ("DT", "SKHCN")),
]


@pytest.mark.parametrize(
    ("selector", "codes"),
    [
        (["28261", "28249", "XX"], ["28249", "28261"]),
        ({"mode": "kind", "kind": "commune"}, ["28249", "28261"]),
        ({"mode": "kind", "kind": "subunit", "root": "SKHCN"}, ["P1", "P2"]),
        ({"mode": "subtree", "root": "SKHCN"}, ["P1", "P2"]),
        ({"mode": "subtree", "root": "DT", "kind": "department"}, ["SKHCN"]),
    ],
)
def test_reporting_units_by_list_kind_or_subtree(
    selector: Any, codes: list[str]
) -> None:
    """WF-R02: reporting units chosen by list, by kind or by subtree."""
    chosen = UnitSelector.from_value(selector)
    assert resolve_units(chosen, UNITS) == codes
    assert UnitSelector.from_value(chosen.to_dict()) == chosen
