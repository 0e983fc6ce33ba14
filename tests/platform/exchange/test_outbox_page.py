"""The outbox page (system admin): states, payload with its signature, send again.

Requirement ids: EX-8 (issue #7 item 6). Real app, real login form, packages
queued by the real workflow services and delivered to the loopback double.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from baocao.platform.exchange.delivery import deliver_due
from baocao.platform.exchange.double import NationalDouble
from baocao.platform.models import AuditEvent
from baocao.platform.models.exchange import OutboxMessage
from baocao.platform.roles import Role
from baocao.platform.security import ensure_user
from support import switches_to_english

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def login(client: Any, username: str, password: str) -> None:
    token = _CSRF.search(client.get("/login/").get_data(as_text=True)).group(1)
    client.post(
        "/login/",
        data={"username": username, "password": password, "csrf_token": token},
    )


def test_outbox_page_lists_states_payload_and_sends_again(
    exchange_app: Any,
    national: NationalDouble,
    open_regime: Any,
    accept_report: Any,
    password: str,
) -> None:
    """EX-8: delivered and rejected rows, the signed payload, "Gửi lại ngay"."""
    ensure_user(exchange_app, "admin", password, role=Role.SYSADMIN)
    open_regime()
    accept_report("28249", 12.5)
    national.script = ["reject"]  # the first package (the regime) is refused
    deliver_due(national.url, NOW)
    client = exchange_app.test_client()
    login(client, "admin", password)
    page = client.get("/trao-doi/hang-doi/").get_data(as_text=True)
    assert "Bị từ chối" in page
    assert "Đã gửi" in page
    assert "GOI_TIN_KHONG_HOP_LE" in page
    assert national.url in page
    data = OutboxMessage.objects(package_type="du_lieu_bao_cao").first()
    shown = client.get(f"/trao-doi/hang-doi/{data.key}").get_data(as_text=True)
    assert "Hợp lệ" in shown  # the agency's signature checks out
    assert "du_lieu_bao_cao" in shown
    rejected = OutboxMessage.objects(status="rejected").get()
    token = _CSRF.search(page).group(1)
    answer = client.post(
        f"/trao-doi/hang-doi/{rejected.key}/gui-lai", data={"csrf_token": token}
    )
    assert answer.status_code == 302
    assert len(exchange_app.extensions["kicks"]) > 0
    rejected.reload()
    assert rejected.status == "pending"
    assert AuditEvent.objects(action="exchange.retry").count() == 1
    filtered = client.get("/trao-doi/hang-doi/?state=retrying").get_data(as_text=True)
    assert rejected.key[:12] in filtered
    assert data.key[:12] not in filtered


def test_outbox_page_is_for_the_system_admin_only(
    exchange_app: Any, password: str
) -> None:
    """EX-8: a unit admin gets 403 (FAB) or the permission service's refusal."""
    ensure_user(
        exchange_app, "82.admin", password, role=Role.UNIT_ADMIN, unit_code="82"
    )
    client = exchange_app.test_client()
    login(client, "82.admin", password)
    answer = client.get("/trao-doi/hang-doi/")
    assert answer.status_code in (302, 403)
    assert "Gói tin gửi hệ thống báo cáo quốc gia" not in answer.get_data(as_text=True)


def test_outbox_page_in_english(
    exchange_app: Any,
    national: NationalDouble,
    open_regime: Any,
    accept_report: Any,
    password: str,
) -> None:
    """EX-8, I18N-10: states, package types and the flash after "send again"
    follow the language; the Vietnamese page keeps its words."""
    ensure_user(exchange_app, "admin", password, role=Role.SYSADMIN)
    open_regime()
    accept_report("28249", 12.5)
    national.script = ["reject"]
    deliver_due(national.url, NOW)
    client = exchange_app.test_client()
    login(client, "admin", password)
    vietnamese = (
        '"label label-danger state">Bị từ chối</span>',
        '"label label-success state">Đã gửi</span>',
        "<td>Chế độ báo cáo",
        ">Chờ gửi lại <span",
    )
    english = (
        '"label label-danger state">Rejected</span>',
        '"label label-success state">Delivered</span>',
        "<td>Reporting regime",
        ">Waiting to be resent <span",
    )
    page = switches_to_english(client, "/trao-doi/hang-doi/", vietnamese, english)
    rejected = OutboxMessage.objects(status="rejected").get()
    sent = client.post(
        f"/trao-doi/hang-doi/{rejected.key}/gui-lai",
        data={"csrf_token": _CSRF.search(page).group(1)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Package {rejected.key[:12]}… queued to be sent now." in sent
