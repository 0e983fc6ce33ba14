"""Events queue QCVN 125 packages, signed, delivered to the loopback double.

Requirement ids: EX-5 wiring (regime, period, submission, aggregate), EX-6
signing, EX-7 end to end with retries and rejection (issue #7 item 6). Real
services, a real compiled template, the agency key of the committed test PKI
(fixtures in conftest.py).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from baocao.platform.exchange import admin, sealing
from baocao.platform.exchange.delivery import deliver_due
from baocao.platform.exchange.double import NationalDouble
from baocao.platform.exchange.outbox import RetryPolicy
from baocao.platform.models import AuditEvent
from baocao.platform.models.exchange import OutboxMessage
from baocao.platform.services import indicators
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.platform.settings import Settings, SettingsError
from baocao.signing import verify_detached
from support import ROOT

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
CELL = "Biểu 01-KTXH!D10"
PKI = ROOT / "tests" / "fixtures" / "pki"
FAST = RetryPolicy(max_attempts=3, base_seconds=60, timeout_seconds=5.0)


def types() -> list[str]:
    return [m.package_type for m in OutboxMessage.objects.order_by("created_at")]


def test_disabled_exchange_queues_nothing(
    app: Any, make_units: Any, open_regime: Any, accept_report: Any
) -> None:
    """EX-5: without BAOCAO_EXCHANGE_URL no event queues a package."""
    with app.app_context():
        make_units()
        open_regime()
        accept_report("28249", 12.5)
        assert OutboxMessage.objects.count() == 0


def test_publish_and_open_queue_catalogue_packages(
    exchange_app: Any, open_regime: Any
) -> None:
    """EX-5: publish queues regime, form and outline; opening, the period catalogue."""
    regime_id = open_regime()
    assert types() == ["che_do_bao_cao", "bieu_mau", "de_cuong", "danh_muc_ky"]
    regime = json.loads(
        OutboxMessage.objects(package_type="che_do_bao_cao").first().body
    )
    assert regime["payload"]["don_vi_bao_cao"] == ["28249", "28261"]
    assert regime["sender"]["ma_don_vi"] == "82"
    assert "chu_ky" not in regime  # catalogue packages are not signed
    config.publish_regime(regime_id, actor="x", now=NOW + timedelta(hours=1))
    wf.open_period(regime_id, "2026-M03", actor="system", now=NOW + timedelta(hours=1))
    assert len(types()) == 4  # the same events again: nothing new
    assert len(exchange_app.extensions["kicks"]) == 4


def test_accepted_report_queues_signed_data_status_and_kpi(
    exchange_app: Any, open_regime: Any, accept_report: Any
) -> None:
    """EX-5/EX-6: send → status; accept → status, data, KPI data; all signed."""
    open_regime()
    accept_report("28249", 12.5)
    queued = types()[4:]
    assert queued == ["trang_thai", "trang_thai", "du_lieu_bao_cao", "du_lieu_chi_so"]
    data = json.loads(
        OutboxMessage.objects(package_type="du_lieu_bao_cao").first().body
    )
    assert {"o": CELL, "chi_tieu": "DT_LUA", "gia_tri": 12.5} in data["payload"]["o"]
    kpi = json.loads(OutboxMessage.objects(package_type="du_lieu_chi_so").first().body)
    assert kpi["payload"]["chi_so"] == [
        {"ma_chi_tieu": "DT_LUA", "o": CELL, "gia_tri": 12.5}
    ]
    roots = [(PKI / "root.pem").read_bytes()]
    for message in OutboxMessage.objects(
        package_type__in=["trang_thai", "du_lieu_bao_cao"]
    ):
        envelope = json.loads(message.body)
        assert message.signed
        report = sealing.check_seal(envelope, roots, NOW)
        assert report is not None and report.ok
        signature = base64.b64decode(envelope["chu_ky"]["gia_tri"])
        changed = {**envelope, "payload": {**envelope["payload"], "ky": "2026-M04"}}
        assert not verify_detached(
            sealing.signed_bytes(changed), signature, roots, NOW
        ).intact


def test_complete_period_queues_the_aggregate(
    exchange_app: Any, open_regime: Any, accept_report: Any
) -> None:
    """EX-5: once every reporting unit is accepted, the receiving unit's aggregate."""
    open_regime()
    accept_report("28249", 12.5)
    assert not OutboxMessage.objects(natural_key__contains="/SKHCN").count()
    accept_report("28261", 7.5)
    aggregate = OutboxMessage.objects(
        package_type="du_lieu_bao_cao", natural_key__endswith="/SKHCN"
    ).first()
    payload = json.loads(aggregate.body)["payload"]
    assert payload["tong_hop_tu"] == ["28249", "28261"]
    assert {"o": CELL, "chi_tieu": "DT_LUA", "gia_tri": 20.0} in payload["o"]
    assert (
        OutboxMessage.objects(
            package_type="du_lieu_chi_so", natural_key__endswith="/SKHCN"
        ).count()
        == 1
    )


def test_accepted_data_delivered_with_retries_and_audited(
    exchange_app: Any, national: NationalDouble, open_regime: Any, accept_report: Any
) -> None:
    """EX-7: 503 then 201 after the back-off, same key; audit per attempt."""
    open_regime()
    accept_report("28249", 12.5)
    national.script = ["fail"] * len(types())
    first = deliver_due(national.url, NOW, policy=FAST, jitter=lambda: 1.0)
    assert first == {"pending": len(types())}
    assert deliver_due(national.url, NOW + timedelta(seconds=59), policy=FAST) == {}
    later = deliver_due(national.url, NOW + timedelta(seconds=61), policy=FAST)
    assert later == {"delivered": len(types())}
    data = OutboxMessage.objects(package_type="du_lieu_bao_cao").first()
    assert [r["answer"] for r in national.requests if r["key"] == data.key] == [
        "fail",
        "accept",
    ]
    assert data.key in national.stored
    assert admin.label_of(data) == ("delivered", "Đã gửi")
    actions = [e.action for e in AuditEvent.objects(target=f"outbox:{data.key}")]
    assert sorted(actions) == [
        "exchange.delivered",
        "exchange.pending",
        "exchange.queue",
    ]


def test_rejected_package_shown_with_reason_and_sent_again(
    exchange_app: Any, national: NationalDouble, open_regime: Any
) -> None:
    """EX-7: a 400 is final, its reason kept; "send again" makes it due once more."""
    open_regime()
    national.script = ["reject"]
    deliver_due(national.url, NOW, policy=FAST, limit=1)
    rejected = OutboxMessage.objects(status="rejected").get()
    assert admin.label_of(rejected) == ("rejected", "Bị từ chối")
    assert rejected.last_status_code == 400
    assert "GOI_TIN_KHONG_HOP_LE" in rejected.last_response
    page = admin.list_messages(shown="rejected")
    assert [m.key for m in page.messages] == [rejected.key]
    admin.retry_now(rejected.key, actor="admin", now=NOW + timedelta(minutes=5))
    deliver_due(national.url, NOW + timedelta(minutes=5), policy=FAST)
    rejected.reload()
    assert rejected.status == "delivered"
    with pytest.raises(admin.OutboxError) as caught:
        admin.retry_now(rejected.key, actor="admin", now=NOW)
    assert caught.value.code == "EX011"


def test_unsigned_data_package_is_rejected_by_the_double(
    exchange_app: Any, national: NationalDouble, open_regime: Any, accept_report: Any
) -> None:
    """EX-6: the double refuses a data package without its signature (reason shown)."""
    national.signed_types = frozenset(t.value for t in sealing.SIGNED_TYPES)
    del exchange_app.extensions["baocao_exchange_signer"]
    open_regime()
    accept_report("28249", 12.5)
    deliver_due(national.url, NOW, policy=FAST)
    data = OutboxMessage.objects(package_type="du_lieu_bao_cao").first()
    assert data.status == "rejected"
    assert "phải có chữ ký số" in json.loads(data.last_response)["ly_do"]
    assert (
        OutboxMessage.objects(package_type="che_do_bao_cao").first().status
        == "delivered"
    )


def test_indicator_change_queues_the_catalogue_once(
    exchange_app: Any, sysadmin: Any
) -> None:
    """EX-5: a new or changed indicator queues catalogue, groups, disaggregations."""
    payload = {
        "code": "DT_LUA",
        "name": "Diện tích lúa",
        "unit_of_measure": "ha",
        "group": "Nông nghiệp",
        "owner_unit": "82",
    }
    indicators.create_indicator(payload, actor=sysadmin, now=NOW)
    assert types() == ["danh_muc_chi_tieu", "nhom_chi_tieu", "phan_to"]
    catalogue = json.loads(OutboxMessage.objects.first().body)["payload"]
    assert catalogue["chi_tieu"][0]["ma_chi_tieu"] == "DT_LUA"
    assert catalogue["chi_tieu"][0]["co_quan_chu_tri"] == "82"
    indicators.update_indicator("DT_LUA", payload, actor=sysadmin, now=NOW)
    assert len(types()) == 3  # nothing changed: the same packages
    indicators.update_indicator(
        "DT_LUA",
        {**payload, "name": "Diện tích gieo trồng lúa"},
        actor=sysadmin,
        now=NOW,
    )
    assert types().count("danh_muc_chi_tieu") == 2
    assert types().count("nhom_chi_tieu") == 1  # groups unchanged: one message


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"BAOCAO_EXCHANGE_URL": "https://qg.example/goi-tin"}, "BAOCAO_EXCHANGE_P12"),
        (
            {"BAOCAO_EXCHANGE_P12": "/khoa/co-quan.p12"},
            "BAOCAO_EXCHANGE_P12_PASSPHRASE",
        ),
    ],
    ids=["url-without-key", "key-without-passphrase"],
)
def test_exchange_needs_the_agency_key(environ: dict[str, str], variable: str) -> None:
    """EX-6: data and status packages must be signed, so a URL needs a key."""
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert caught.value.code == "CFG002"
    assert caught.value.variable == variable
