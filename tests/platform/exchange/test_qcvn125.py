"""Our mapping to the 13 QCVN 125:2021 package types (issue #7 item 6).

Requirement ids: QC-1 package types, QC-2 periods, QC-3 statuses, QC-4 data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.exchange import qcvn125
from baocao.platform.exchange.qcvn125 import ExchangeCode, ExchangeError, PackageType
from baocao.platform.workflow.transitions import State

NOW = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
SCHEMA = {
    "properties": {
        "Biểu 01!D7": {"title": "GRDP", "x-kind": "decimal", "x-indicator": "GRDP01"},
        "Biểu 01!E7": {"title": "Ghi chú", "x-kind": "text"},
    }
}
FORMULAS = {
    "cells": {"Biểu 01!F7": {"formula": "=D7*2", "deps": ["Biểu 01!D7"]}},
    "inputs": {"Biểu 01!D7": {"aggregate": "sum"}, "Biểu 01!E7": {"aggregate": "none"}},
}
LAYOUT = {
    "sheets": [
        {
            "cells": [
                {
                    "address": "Thuyết minh!A3",
                    "role": "narrative",
                    "text": "1. Kết quả",
                },
                {"address": "Biểu 01!D7", "role": "input", "text": None},
            ]
        }
    ]
}
SUBMISSION = {
    "regime": "r1",
    "period": "2026-M03",
    "unit": "28249",
    "form_id": "f1",
    "form_version": 2,
    "state": "accepted",
    "version": 7,
    "updated_at": "2026-03-12T08:00:00+07:00",
    "data": {
        "Biểu 01!D7": 10,
        "Biểu 01!E7": "",
        "du_an": [{"B": "Cầu", "D": 5}],
    },
    "computed": {"Biểu 01!F7": 20},
}
INDICATORS = [
    {
        "code": "GRDP01",
        "name": "GRDP",
        "unit_of_measure": "tỷ đồng",
        "group": "KT",
        "disaggregations": ["xa"],
        "owner": "SKHCN",
    },
    {
        "code": "DS01",
        "name": "Dân số",
        "group": "XH",
        "disaggregations": ["xa", "gioi_tinh"],
    },
]


def every_package() -> list[tuple[PackageType, str, dict[str, Any]]]:
    regime = {
        "id": "r1",
        "name": "Báo cáo KT-XH tháng",
        "kind": "dinh_ky",
        "content": "numeric",
        "frequency": "month",
        "form_id": "f1",
        "form_version": 2,
        "reporting_units": ["28249", "28261"],
        "receiving_unit": "SKHCN",
    }
    compiled = {"schema": SCHEMA, "formulas": FORMULAS, "source_sha256": "ab" * 32}
    periods = [
        {
            "key": "2026-M03",
            "start": "2026-02-15",
            "end": "2026-03-14",
            "deadline": "2026-03-20",
        }
    ]
    return [
        qcvn125.regime_package(regime),
        qcvn125.form_package("f1", 2, "Biểu 01", compiled),
        qcvn125.outline_package("f1", 2, LAYOUT),
        qcvn125.data_package(SUBMISSION, SCHEMA),
        qcvn125.list_data_package(SUBMISSION),
        qcvn125.outline_submission_package(
            SUBMISSION, {"Thuyết minh!A3": "<p>Tốt</p>"}
        ),
        qcvn125.status_package(SUBMISSION, [{"action": "accept", "time": "t"}]),
        qcvn125.period_catalogue_package("r1", periods),
        qcvn125.indicator_catalogue_package(INDICATORS, "2026.1"),
        qcvn125.kpi_set_package("KTXH", "Chỉ số KT-XH", ["GRDP01", "DS01"]),
        qcvn125.indicator_groups_package(INDICATORS),
        qcvn125.disaggregations_package(INDICATORS),
        qcvn125.kpi_data_package(SUBMISSION, SCHEMA),
    ]


def test_thirteen_package_types() -> None:
    """QC-1: one builder per package type, each a JSON-ready envelope."""
    packages = every_package()
    assert [kind for kind, _, _ in packages] == list(PackageType)
    assert len(PackageType) == 13
    unit = {"code": "82", "official_id": "000.00.00.H82", "name": "Tỉnh Đồng Tháp"}
    for kind, key, payload in packages:
        body = qcvn125.envelope(kind, key, payload, sender=unit, receiver=unit, now=NOW)
        assert json.loads(json.dumps(body, ensure_ascii=False)) == body
        assert body["qcvn"] == "QCVN 125:2021/BTTTT"
        assert body["mapping_version"] == qcvn125.MAPPING_VERSION
        assert body["sender"]["ma_dinh_danh"] == "000.00.00.H82"
    assert len({key for _, key, _ in packages}) == 13


@pytest.mark.parametrize(
    ("key", "kind", "number"),
    [
        ("2026-M03", "THANG", 3),
        ("2026-Q1", "QUY", 1),
        ("2026-H2", "6_THANG", 2),
        ("2026-9M", "9_THANG", 1),
        ("2026-Y", "NAM", 1),
        ("2026-W09", "TUAN", 9),
    ],
    ids=str,
)
def test_period_ref(key: str, kind: str, number: int) -> None:
    """QC-2: every period key of DESIGN.md §5 maps to a kind, year and number."""
    ref = qcvn125.period_ref(key, ("2026-02-15", "2026-03-14"))
    assert ref == {
        "ma_ky": key,
        "loai_ky": kind,
        "nam": 2026,
        "so_ky": number,
        "tu_ngay": "2026-02-15",
        "den_ngay": "2026-03-14",
    }


@pytest.mark.parametrize(
    "key", ["2026-M13", "2026-Q5", "26-M01", "2026-M3", ""], ids=str
)
def test_bad_period_key(key: str) -> None:
    """QC-2: anything else is refused with EX001."""
    with pytest.raises(ExchangeError) as caught:
        qcvn125.period_ref(key)
    assert caught.value.message == ExchangeCode.EX001.format(value=key)


def test_every_workflow_state_is_mapped() -> None:
    """QC-3: each submission state of the workflow has a status code."""
    assert set(qcvn125.STATES) == {s.value for s in State}
    _, key, payload = qcvn125.status_package(SUBMISSION)
    assert payload["trang_thai"] == "DA_TIEP_NHAN"
    assert key == "status/r1/2026-M03/28249/accepted/7"
    with pytest.raises(ExchangeError) as caught:
        qcvn125.status_package({**SUBMISSION, "state": "lost"})
    assert caught.value.code == "EX002"


def test_data_and_kpi_data() -> None:
    """QC-4: non-blank scalars with indicator codes; KPI data only bound cells."""
    _, _, data = qcvn125.data_package(SUBMISSION, SCHEMA)
    assert data["o"] == [
        {"o": "Biểu 01!D7", "chi_tieu": "GRDP01", "gia_tri": 10},
        {"o": "Biểu 01!F7", "chi_tieu": None, "gia_tri": 20},
    ]
    assert data["ky"]["loai_ky"] == "THANG"
    _, _, kpi = qcvn125.kpi_data_package(SUBMISSION, SCHEMA)
    assert kpi["chi_so"] == [
        {"ma_chi_tieu": "GRDP01", "o": "Biểu 01!D7", "gia_tri": 10}
    ]
    _, _, rows = qcvn125.list_data_package(SUBMISSION)
    assert rows["danh_sach"] == {"du_an": [{"B": "Cầu", "D": 5}]}


def test_outline_package_carries_the_designed_outline() -> None:
    """EX-OUT: narrative cells first, then the outline designed in the page,
    keyed by section key as the outline submission package is."""
    outline = {
        "title": "Thuyết minh tháng",
        "sections": [
            {"key": "m1", "title": "Tình hình chung", "level": 1,
             "guidance": "Nêu bối cảnh.", "required": True, "word_limit": 500},
            {"key": "m2", "title": "Kiến nghị", "level": 2, "guidance": "",
             "required": False, "word_limit": None},
        ],
    }
    kind, key, payload = qcvn125.outline_package("f1", 2, LAYOUT, outline)
    assert (kind, key) == (qcvn125.PackageType.OUTLINE, "outline/f1/2")
    assert payload["ten_de_cuong"] == "Thuyết minh tháng"
    assert payload["muc"] == [
        {"o": "Thuyết minh!A3", "tieu_de": "1. Kết quả"},
        {"o": "m1", "tieu_de": "Tình hình chung", "cap": 1, "huong_dan": "Nêu bối cảnh.",
         "bat_buoc": True, "so_tu_toi_da": 500},
        {"o": "m2", "tieu_de": "Kiến nghị", "cap": 2, "huong_dan": "",
         "bat_buoc": False, "so_tu_toi_da": None},
    ]
    assert "ten_de_cuong" not in qcvn125.outline_package("f1", 2, LAYOUT)[2]
