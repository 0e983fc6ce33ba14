"""The administration pages in both languages: unit kinds, role names, audit
actions, support states and flash messages follow the user's language, and the
Vietnamese pages are unchanged."""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from baocao.platform.exchange.outbox import SHOWN_LABELS
from baocao.platform.exchange.qcvn125 import PackageType
from baocao.platform.models.indicator import AGGREGATE_RULES
from baocao.platform.models.support import SupportStatus
from baocao.platform.models.unit import KIND_LABELS, SUBTYPE_LABELS
from baocao.platform.roles import ROLE_NAMES
from baocao.platform.services.dashboard_panels import PANEL_KINDS
from baocao.platform.views import labels
from baocao.platform.workflow.chains import UNIT_NAMES
from baocao.platform.workflow.regime import CONTENTS, KINDS, METHODS
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from support import ROOT, switches_to_english

Token = Callable[[FlaskClient, str], str]

#: (page, account, path, Vietnamese words, the same words in English).
PAGES: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "home",
        "SKHCN.nhaplieu",
        "/",
        ('<span class="label label-primary">Nhập liệu</span>',),
        ('<span class="label label-primary">Data entry</span>',),
    ),
    (
        "unit tree",
        "admin",
        "/don-vi/",
        (
            "(Tỉnh)",
            "(Phường)",
            '<li class="baocao-tree-group">Xã, phường</li>',
            ">Sở, ban, ngành</option>",
        ),
        (
            "(Province)",
            "(Ward)",
            '<li class="baocao-tree-group">Commune, ward</li>',
            ">Department, board, agency</option>",
        ),
    ),
    (
        "unit search",
        "admin",
        "/don-vi/?kind=commune",
        ("<td>Xã</td>", "<td>Phường</td>"),
        ("<td>Commune</td>", "<td>Ward</td>"),
    ),
    (
        "unit page",
        "admin",
        "/don-vi/82",
        ("<dd>Tỉnh</dd>", "<td>Khởi tạo danh mục Đồng Tháp</td>"),
        ("<dd>Province</dd>", "<td>Seed the Đồng Tháp catalogue</td>"),
    ),
    (
        "unit form",
        "admin",
        "/don-vi/quan-tri/tao",
        ('<option value="phuong">Phường</option>', ">Đơn vị trực thuộc</option>"),
        ('<option value="phuong">Ward</option>', ">Subordinate unit</option>"),
    ),
    (
        "accounts",
        "admin",
        "/tai-khoan/",
        (
            '<span class="label label-primary">Quản trị hệ thống</span>',
            '<span class="label label-primary">Lãnh đạo</span>',
        ),
        (
            '<span class="label label-primary">System administrator</span>',
            '<span class="label label-primary">Leader</span>',
        ),
    ),
    (
        "account page",
        "admin",
        "/tai-khoan/SKHCN.lanhdao",
        (
            '<span class="label label-primary">Lãnh đạo</span>',
            '<input type="checkbox" name="roles" value="gui"> Gửi báo cáo</label>',
        ),
        (
            '<span class="label label-primary">Leader</span>',
            '<input type="checkbox" name="roles" value="gui"> Report sender</label>',
        ),
    ),
    (
        "account form",
        "admin",
        "/tai-khoan/tao",
        ("> Thiết kế biểu mẫu</label>", "> Xem báo cáo</label>"),
        ("> Form designer</label>", "> Report viewer</label>"),
    ),
    (
        "audit log",
        "admin",
        "/nhat-ky/",
        (
            '<option value="unit.merge" >Sáp nhập đơn vị</option>',
            "<td>Khởi tạo danh mục Đồng Tháp</td>",
        ),
        (
            '<option value="unit.merge" >Merge units</option>',
            "<td>Seed the Đồng Tháp catalogue</td>",
        ),
    ),
    (
        "support queue",
        "admin",
        "/ho-tro/quan-ly/",
        (">Mới tiếp nhận</option>", ">Đã hoàn thành</option>"),
        (">Just received</option>", ">Completed</option>"),
    ),
    (
        "my support requests",
        "28249.nhaplieu",
        "/ho-tro/",
        ("<td>Mới tiếp nhận</td>",),
        ("<td>Just received</td>",),
    ),
]


@pytest.fixture
def support_request(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    """One support request from 28249.nhaplieu, so the queue has a row."""
    auth.login("28249.nhaplieu")
    client.post(
        "/ho-tro/",
        data={"csrf_token": token(client, "/ho-tro/"), "text": "Không lưu được"},
    )
    auth.logout()


@pytest.mark.parametrize("page", PAGES, ids=[page[0] for page in PAGES])
@pytest.mark.usefixtures("support_request")
def test_page_in_vietnamese_then_english(
    client: FlaskClient, auth: Any, page: tuple[Any, ...]
) -> None:
    """I18N-05: names from the Python dictionaries read Vietnamese by default
    (the same words as before), English after choosing English, and back."""
    _name, account, path, vietnamese, english = page
    auth.login(account)
    switches_to_english(client, path, vietnamese, english)
    client.get("/lang/vi")
    text = client.get(path).get_data(as_text=True)
    assert all(word in text for word in vietnamese)


def _flashes(page: str) -> list[str]:
    """The texts of the flash messages on a page."""
    found = re.findall(r"</button>\s*([^<]*?)\s*</div>", page)
    return [text for text in found if text]


def test_flash_messages_in_both_languages(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    """I18N-06: flash messages with values keep their Vietnamese wording and
    read English, values filled in, after choosing English."""
    auth.login("admin")
    csrf = token(client, "/don-vi/quan-tri/tao")

    def create(code: str) -> str:
        return client.post(
            "/don-vi/quan-tri/tao",
            data={
                "csrf_token": csrf,
                "code": code,
                "name": "Văn phòng",
                "kind": "subunit",
                "parent": "SKHCN",
            },
            follow_redirects=True,
        ).get_data(as_text=True)

    def lock(username: str, active: str) -> str:
        return client.post(
            f"/tai-khoan/{username}/khoa",
            data={"csrf_token": csrf, "active": active, "reason": "Nghỉ phép"},
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "Đã tạo đơn vị VP1: Văn phòng." in _flashes(create("VP1"))
    assert "Đã khóa tài khoản." in _flashes(lock("STC.nhaplieu", "0"))
    client.get("/lang/en")
    assert "Unit VP2 created: Văn phòng." in _flashes(create("VP2"))
    page = lock("STC.nhaplieu", "1")
    assert "Account unlocked." in _flashes(page)
    # The account's history, in English too.
    assert "<td>Unlock an account</td>" in page and "<td>Lock an account</td>" in page
    assert "Mở khóa" not in page


def test_support_flash_in_both_languages(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    """I18N-06: the flash after a support request names its number and due
    time, in the user's language."""
    auth.login("28249.nhaplieu")

    def send() -> list[str]:
        return _flashes(
            client.post(
                "/ho-tro/",
                data={"csrf_token": token(client, "/ho-tro/"), "text": "Lỗi"},
                follow_redirects=True,
            ).get_data(as_text=True)
        )

    (vietnamese,) = send()
    assert re.fullmatch(
        r"Đã gửi yêu cầu HT-\d{8}-\d{4}\. Hạn xử lý: \d\d:\d\d \d\d/\d\d/\d{4} "
        r"\(2 giờ làm việc\)\.",
        vietnamese,
    ), vietnamese
    client.get("/lang/en")
    (english,) = send()
    assert re.fullmatch(
        r"Request HT-\d{8}-\d{4} sent\. Due: \d\d:\d\d \d\d/\d\d/\d{4} "
        r"\(2 working hours\)\.",
        english,
    ), english


def test_unit_import_in_both_languages(
    accounts: dict[str, str], client: FlaskClient, auth: Any, token: Token
) -> None:
    """I18N-06: the import preview's row actions, its error without a file and
    the flash after confirming follow the language."""
    auth.login("admin")
    path = "/don-vi/quan-tri/nhap"
    csrf = token(client, path)

    def preview(code: str) -> str:
        rows = f"ma,ten,loai,ma_cap_tren\n{code},Tổ,subunit,SKHCN\n".encode()
        return client.post(
            path,
            data={"csrf_token": csrf, "file": (io.BytesIO(rows), "dv.csv")},
            content_type="multipart/form-data",
        ).get_data(as_text=True)

    def confirm(page: str) -> list[str]:
        ticket = page.split('name="token" value="')[1].split('"')[0]
        return _flashes(
            client.post(
                f"{path}/xac-nhan",
                data={"csrf_token": csrf, "token": ticket},
                follow_redirects=True,
            ).get_data(as_text=True)
        )

    def without_file() -> str:
        return client.post(path, data={"csrf_token": csrf}).get_data(as_text=True)

    page = preview("T1")
    assert "<td>Thêm mới</td>" in page and "<td>New</td>" not in page
    assert "Đã nhập 1 đơn vị mới, cập nhật 0 đơn vị." in confirm(page)
    assert "Hãy chọn tệp .csv hoặc .xlsx để nhập." in without_file()
    client.get("/lang/en")
    page = preview("T2")
    assert "<td>New</td>" in page and "<td>Thêm mới</td>" not in page
    assert "Imported 1 new units, updated 0 units." in confirm(page)
    assert "Choose a .csv or .xlsx file to import." in without_file()


def _literal_flashes(path: Path) -> list[str]:
    """Where a view flashes a literal or f-string (not a translated message)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "flash"
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_views_flash_only_translated_messages() -> None:
    """I18N-07: every flash in the views is a gettext message (or an error
    message with its code, which stays Vietnamese by design): none is a
    Vietnamese literal or f-string."""
    views = sorted((ROOT / "platform" / "views").glob("*.py"))
    assert views
    assert [hit for path in views for hit in _literal_flashes(path)] == []


#: (labels, the Vietnamese names the rest of the app keeps using for the same
#: keys). Names only pages show (audit actions, support and outbox states,
#: package types, indicator rules, import actions) live only in views/labels.py.
NAMED: list[tuple[str, dict[str, Any], dict[Any, str]]] = [
    ("unit kinds", labels.UNIT_KIND_LABELS, KIND_LABELS),
    ("unit subtypes", labels.UNIT_SUBTYPE_LABELS, SUBTYPE_LABELS),
    ("roles", labels.ROLE_LABELS, ROLE_NAMES),
    ("actor units", labels.ACTOR_UNIT_LABELS, UNIT_NAMES),
    ("regime kinds", labels.REGIME_KIND_LABELS, KINDS),
    ("regime contents", labels.REGIME_CONTENT_LABELS, CONTENTS),
    ("regime methods", labels.REGIME_METHOD_LABELS, METHODS),
    ("outbox states", labels.OUTBOX_STATE_LABELS, SHOWN_LABELS),
    ("panel kinds", labels.PANEL_KIND_LABELS, PANEL_KINDS),
]


@pytest.mark.parametrize("named", NAMED, ids=[n[0] for n in NAMED])
def test_vietnamese_labels_are_the_stored_names(
    app: Flask, named: tuple[str, dict[str, Any], dict[Any, str]]
) -> None:
    """I18N-08: in Vietnamese every label is exactly the name the rest of the
    app keeps using (exports, FAB roles, messages), for every key; in English
    none of them is Vietnamese."""
    _name, translated, names = named
    expected = {getattr(k, "value", k): v for k, v in names.items()}
    with app.test_request_context():
        with force_locale("vi"):
            assert {k: str(v) for k, v in translated.items()} == expected
        with force_locale("en"):
            english = {k: str(v) for k, v in translated.items()}
    assert all(english[k] != expected[k] or k == "fax" for k in expected)
    assert {str(k) for k in labels.ROLE_NAME_LABELS} == set(ROLE_NAMES.values())


def test_every_state_and_package_type_has_a_label() -> None:
    """I18N-09: the labels that are the only names of their keys cover them all."""
    assert set(labels.SUPPORT_STATUS_LABELS) == {s.value for s in SupportStatus}
    assert set(labels.PACKAGE_TYPE_LABELS) == {t.value for t in PackageType}
    assert set(labels.INDICATOR_RULE_LABELS) == set(AGGREGATE_RULES)
    assert {"create", "update", "unchanged", "error"} <= set(
        labels.IMPORT_ACTION_LABELS
    )
