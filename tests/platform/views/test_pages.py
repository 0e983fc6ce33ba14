"""Domain pages end to end through the test client (issue 2 items 6, 7, 9)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from baocao.platform.models import AuditEvent, Grant, Regime, SupportRequest
from baocao.platform.services import units
from flask.testing import FlaskClient

Token = Callable[[FlaskClient, str], str]


def test_unit_create_edit_close_merge(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    auth.login("admin")
    csrf = token(client, "/don-vi/quan-tri/tao")
    created = client.post(
        "/don-vi/quan-tri/tao",
        data={
            "csrf_token": csrf,
            "code": "SKHCN-VP",
            "name": "Văn phòng Sở",
            "kind": "subunit",
            "parent": "SKHCN",
        },
    )
    assert created.status_code == 302
    assert units.get_unit("SKHCN-VP").path == "82/SKHCN/SKHCN-VP"
    cycle = client.post(
        "/don-vi/quan-tri/SKHCN/sua",
        data={
            "csrf_token": csrf,
            "name": "Sở KH&CN",
            "kind": "department",
            "parent": "SKHCN-VP",
        },
    )
    assert cycle.status_code == 422
    assert "sẽ tạo vòng lặp" in cycle.get_data(as_text=True)
    edited = client.post(
        "/don-vi/quan-tri/SKHCN/sua",
        data={
            "csrf_token": csrf,
            "name": "Sở KH&CN",
            "kind": "department",
            "parent": "82",
            "official_id": "000.00.12.H18",
            "subtype": "so",
        },
    )
    assert edited.status_code == 302 and units.get_unit("SKHCN").name == "Sở KH&CN"
    closed = client.post("/don-vi/quan-tri/SKHCN-VP/ngung", data={"csrf_token": csrf})
    assert closed.status_code == 302
    assert "Ngừng hoạt động" in client.get("/don-vi/SKHCN-VP").get_data(as_text=True)
    merged = client.post(
        "/don-vi/quan-tri/28261/sap-nhap", data={"csrf_token": csrf, "target": "28249"}
    )
    assert merged.status_code == 302
    page = client.get("/don-vi/28261").get_data(as_text=True)
    assert "Đã sáp nhập vào 28249" in page and "Phường Đạo Thạnh" in page


def test_tree_and_search_in_vietnamese(
    accounts: dict[str, str], client: FlaskClient, auth: Any
) -> None:
    auth.login("28249.nhaplieu")
    tree = client.get("/don-vi/").get_data(as_text=True)
    assert "Danh mục cơ quan, đơn vị" in tree and "Tỉnh Đồng Tháp" in tree
    assert "114 đơn vị trực thuộc" in tree and "Thêm đơn vị" not in tree
    found = client.get("/don-vi/?q=dao+thanh").get_data(as_text=True)
    assert "Kết quả tìm kiếm: 1 đơn vị" in found and "Phường Đạo Thạnh" in found
    communes = client.get("/don-vi/?kind=commune").get_data(as_text=True)
    assert "Kết quả tìm kiếm: 102 đơn vị" in communes


def test_import_preview_then_confirm(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    auth.login("admin")
    csrf = token(client, "/don-vi/quan-tri/nhap")
    bad = "ma,ten,loai,ma_cap_tren\nT1,Tổ 1,subunit,KHONGCO\n".encode()
    preview = client.post(
        "/don-vi/quan-tri/nhap",
        data={"csrf_token": csrf, "file": (io.BytesIO(bad), "dv.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Đơn vị cấp trên &#39;KHONGCO&#39; không tồn tại" in preview
    assert "Xác nhận nhập" not in preview
    good = "ma,ten,loai,ma_cap_tren\nT1,Tổ 1,subunit,SKHCN\n".encode()
    preview = client.post(
        "/don-vi/quan-tri/nhap",
        data={"csrf_token": csrf, "file": (io.BytesIO(good), "dv.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Thêm mới" in preview and units.find_unit("T1") is None
    ticket = preview.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        "/don-vi/quan-tri/nhap/xac-nhan", data={"csrf_token": csrf, "token": ticket}
    )
    assert done.status_code == 302 and units.get_unit("T1").parent == "SKHCN"
    again = client.post(
        "/don-vi/quan-tri/nhap/xac-nhan", data={"csrf_token": csrf, "token": ticket}
    )
    assert again.status_code == 400


def test_unit_admin_manages_its_accounts(
    accounts: dict[str, str],
    client: FlaskClient,
    auth: Any,
    token: Token,
    password: str,
) -> None:
    """Create, grant per regime, transfer (history kept), lock, all inside SKHCN."""
    units.create_unit(
        units.UnitInput("SKHCN-VP", "Văn phòng Sở", "subunit", "SKHCN"),
        actor="t",
        now=units.get_unit("82").valid_from.replace(year=2026),
    )
    auth.login("SKHCN.admin")
    csrf = token(client, "/tai-khoan/tao")
    created = client.post(
        "/tai-khoan/tao",
        data={
            "csrf_token": csrf,
            "username": "skhcn.vp.nhaplieu",
            "full_name": "Trần Thị Mai",
            "email": "mai@skhcn.vn",
            "unit_code": "SKHCN-VP",
            "roles": ["nhaplieu"],
            "password": password,
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    base = "/tai-khoan/skhcn.vp.nhaplieu"
    regime = Regime(
        name="Báo cáo tháng", created_by="admin", created_at=datetime(2026, 3, 1)
    ).save()
    assert "Báo cáo tháng" in client.get(base).get_data(as_text=True)
    assert (
        client.post(
            f"{base}/quyen",
            data={
                "csrf_token": csrf,
                "unit_code": "SKHCN",
                "regime_id": str(regime.pk),
                "roles": ["lanhdao"],
            },
        ).status_code
        == 302
    )
    grant = Grant.objects(username="skhcn.vp.nhaplieu").get()
    assert (grant.regime_id, grant.roles) == (str(regime.pk), ["lanhdao"])
    moved = client.post(
        f"{base}/chuyen",
        data={
            "csrf_token": csrf,
            "new_holder": "Lê Văn Tâm",
            "new_email": "tam@skhcn.vn",
            "new_unit": "SKHCN",
            "reason": "Chuyển công tác",
        },
    )
    assert moved.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert (
        "Lê Văn Tâm" in page and "Trần Thị Mai" in page
    )  # the history keeps the holder
    transfer = AuditEvent.objects(
        action="account.transfer", target=f"account:{base[11:]}"
    )
    assert transfer.first().details["before"]["holder"] == "Trần Thị Mai"
    assert (
        client.post(
            f"{base}/khoa",
            data={"csrf_token": csrf, "active": "0", "reason": "Nghỉ việc"},
        ).status_code
        == 302
    )
    assert "Đã khóa" in client.get(base).get_data(as_text=True)
    auth.logout()
    auth.login("skhcn.vp.nhaplieu", password)
    assert (
        "/login/" in client.get("/don-vi/").location
    )  # a locked account cannot log in


def test_support_request_and_queue(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    auth.login("28249.nhaplieu")
    csrf = token(client, "/ho-tro/")
    sent = client.post(
        "/ho-tro/",
        data={"csrf_token": csrf, "text": "Không lưu được", "page": "/don-vi/"},
    )
    assert sent.status_code == 302
    item = SupportRequest.objects.get()
    assert (item.requester, item.unit_code, item.page) == (
        "28249.nhaplieu",
        "28249",
        "/don-vi/",
    )
    auth.logout()
    auth.login("admin")
    queue = client.get("/ho-tro/quan-ly/").get_data(as_text=True)
    assert item.number in queue and "Không lưu được" in queue
    csrf = token(client, "/ho-tro/quan-ly/")
    assert (
        client.post(
            f"/ho-tro/quan-ly/{item.number}",
            data={
                "csrf_token": csrf,
                "status": "in_progress",
                "expected_completion": "2030-01-02T16:00",
                "admin_note": "Đang khắc phục",
            },
        ).status_code
        == 302
    )
    auth.logout()
    auth.login("28249.nhaplieu")
    mine = client.get("/ho-tro/").get_data(as_text=True)
    assert "16:00 02/01/2030" in mine and "Đang khắc phục" in mine


def test_announcement_shows_on_every_page(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    auth.login("admin")
    csrf = token(client, "/thong-bao/")
    short = client.post(
        "/thong-bao/",
        data={
            "csrf_token": csrf,
            "title": "Bảo trì gấp",
            "starts_at": "2020-01-01T08:00",
            "ends_at": "2020-01-01T09:00",
        },
    )
    assert short.status_code == 422
    posted = client.post(
        "/thong-bao/",
        data={
            "csrf_token": csrf,
            "title": "Nâng cấp hệ thống",
            "body": "Tạm dừng 2 giờ.",
            "starts_at": "2099-01-05T08:00",
            "ends_at": "2099-01-05T10:00",
        },
    )
    assert posted.status_code == 302
    auth.logout()
    auth.login("28249.nhaplieu")
    for path in ("/", "/don-vi/", "/ho-tro/"):
        assert "Nâng cấp hệ thống" in client.get(path).get_data(as_text=True), path


def test_support_is_in_the_menu_of_every_page(
    accounts: dict[str, str], client: FlaskClient, auth: Any
) -> None:
    """Đ.20.1: any user reaches the request form from any page (navbar menu)."""
    auth.login("28249.nhaplieu")
    for path in ("/", "/don-vi/", "/don-vi/28249", "/ho-tro/"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/ho-tro/"' in page and "Gửi yêu cầu hỗ trợ" in page, path
        assert (
            'href="/ho-tro/quan-ly/"' not in page and 'href="/tai-khoan/"' not in page
        )
