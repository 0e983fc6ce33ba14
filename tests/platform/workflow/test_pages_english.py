"""The reporting workflow's pages in both languages (Vietnamese by default,
English after FAB's language switch ``/lang/en``), and the menu labels."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from baocao.platform.roles import Role
from baocao.platform.services.notifications import KIND_NAMES
from baocao.platform.views.labels import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    MENU_LABELS,
    NOTIFICATION_KINDS,
    STATE_LABELS,
)
from baocao.platform.workflow.chains import ACTION_NAMES
from baocao.platform.workflow.transitions import STATE_NAMES
from flask import Flask
from flask_babel import force_locale
from support import switches_to_english

Path = Callable[[dict[str, Any]], str]

#: (page, account, path, Vietnamese words, the same words in English).
PAGES: list[tuple[str, str, Path, tuple[str, ...], tuple[str, ...]]] = [
    (
        "inbox",
        "28249.nhaplieu",
        lambda site: "/bao-cao/viec-can-lam",
        ("Các báo cáo đang chờ bạn xử lý, sắp theo thời hạn.", "Thời hạn", ">trình<"),
        ("Reports waiting for you, by deadline.", "Deadline", ">submit<"),
    ),
    (
        "submission",
        "28249.nhaplieu",
        lambda site: f"/bao-cao/{site['subs']['28249']}",
        (
            "Trạng thái:",
            'id="state">bản nháp<',
            "Lịch sử",
            "Mã băm số liệu",
            ">Trình</button>",
        ),
        ("State:", 'id="state">draft<', "History", "Data hash", ">Submit</button>"),
    ),
    (
        "tracking",
        "SKHCN.tonghop",
        lambda site: f"/che-do-bao-cao/{site['regime']}/ky/2026-M03",
        (
            "Theo dõi:",
            "Mọi trạng thái",
            "Xuất CSV",
            "Nhắc nhở 3 đơn vị chưa trình",
            '<option value="commune" >Xã, phường</option>',
        ),
        (
            "Tracking:",
            "Every state",
            "Export CSV",
            "Remind the 3 units that",
            '<option value="commune" >Commune, ward</option>',
        ),
    ),
    (
        "regimes",
        "SKHCN.tonghop",
        lambda site: "/che-do-bao-cao/",
        (">Đã ban hành<", ">Tháng<", ">tổng hợp<", "<td>định kỳ</td>"),
        (">Published<", ">Monthly<", ">aggregate<", "<td>periodic</td>"),
    ),
    (
        "approval chains",
        "SKHCN.tonghop",
        lambda site: "/quy-trinh/",
        (
            '<option value="lanhdao">Lãnh đạo</option>',
            '<option value="receiving">đơn vị nhận báo cáo</option>',
        ),
        (
            '<option value="lanhdao">Leader</option>',
            '<option value="receiving">the receiving unit</option>',
        ),
    ),
    (
        "aggregate",
        "SKHCN.tonghop",
        lambda site: f"/tong-hop/{site['regime']}/2026-M03",
        ("Đơn vị tổng hợp:", "Xuất số liệu tổng hợp", "Chưa có số liệu 3 đơn vị"),
        ("Aggregating unit:", "Export the aggregate", "3 units without data"),
    ),
    (
        "unit history",
        "SKHCN.tonghop",
        lambda site: f"/che-do-bao-cao/{site['regime']}/don-vi/28249",
        ("qua các kỳ", ">Xuất CSV<"),
        ("across periods", ">Export CSV<"),
    ),
    (
        "notifications",
        "28249.nhaplieu",
        lambda site: "/thong-bao-cua-toi/",
        ("Đánh dấu tất cả là đã đọc", "Bạn chưa có thông báo nào."),
        ("Mark all as read", "You have no notifications yet."),
    ),
]


@pytest.mark.parametrize("page", PAGES, ids=[page[0] for page in PAGES])
def test_page_in_vietnamese_then_english(
    client: Any, auth: Any, communes_site: dict[str, Any], page: tuple[Any, ...]
) -> None:
    """I18N-01: the page reads Vietnamese by default, with the Vietnamese flag
    (the session has no locale yet) and the Vietnamese menu; after choosing
    English it reads English, menu included, and back."""
    _name, account, path, vietnamese, english = page
    auth.login(account)
    url = path(communes_site)
    page = client.get(url).get_data(as_text=True)
    assert all(word in page for word in vietnamese), page
    assert not any(word in page for word in english)
    assert '<i class="flag vn"></i><b class="caret">' in page
    assert "Việc cần làm" in page  # the menu
    assert client.get("/lang/en").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert all(word in page for word in english), page
    assert not any(word in page for word in vietnamese)
    assert '<i class="flag gb"></i><b class="caret">' in page
    assert "To do" in page and "Việc cần làm" not in page
    client.get("/lang/vi")
    page = client.get(url).get_data(as_text=True)
    assert all(word in page for word in vietnamese)


def test_new_regime_form_in_both_languages(
    client: Any, auth: Any, make_user: Any, communes_site: dict[str, Any]
) -> None:
    """I18N-09: the regime form's kinds, contents and methods follow the
    language; the Vietnamese words are the regime's stored names."""
    make_user("SKHCN.thietke", Role.DESIGNER, "SKHCN")
    auth.login("SKHCN.thietke")
    vietnamese = (
        '<option value="chuyen_de">chuyên đề</option>',
        '<option value="narrative">đề cương</option>',
        'value="email" > thư điện tử</label>',
    )
    english = (
        '<option value="chuyen_de">thematic</option>',
        '<option value="narrative">outline</option>',
        'value="email" > email</label>',
    )
    switches_to_english(client, "/che-do-bao-cao/tao", vietnamese, english)


def test_open_period_flash_in_both_languages(
    client: Any, auth: Any, communes_site: dict[str, Any]
) -> None:
    """I18N-06: the flash after opening a period keeps its Vietnamese wording
    and reads English after choosing English, values filled in."""
    auth.login("SKHCN.tonghop")
    regime = communes_site["regime"]
    board = f"/che-do-bao-cao/{regime}/ky/2026-M03"

    def open_period(key: str) -> str:
        page = client.get(board).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client.post(
            f"/che-do-bao-cao/{regime}/mo-ky",
            data={"csrf_token": token, "period": key},
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "Đã mở kỳ 2026-M04: tạo 3 báo cáo." in open_period("2026-M04")
    client.get("/lang/en")
    assert "Opened period 2026-M05: 3 reports created." in open_period("2026-M05")


def test_returned_report_shows_comments_and_history_in_english(
    app: Flask, act: Any, client: Any, auth: Any, communes_site: dict[str, Any]
) -> None:
    """I18N-02: a returned report's comments, history actions and states in
    English; the flash after an action too."""
    sub_id = communes_site["subs"]["28249"]
    with app.app_context():
        act(app, sub_id, "28249.nhaplieu", "submit")
        act(
            app,
            sub_id,
            "28249.lanhdao",
            "return",
            reason="Sai D7",
            comments={"Biểu 01!D7": "xem lại"},
        )
    auth.login("28249.nhaplieu")
    client.get("/lang/en")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    for words in ("Comments on return:", 'id="state">returned<', ">return<", "Sai D7"):
        assert words in page
    assert "bị trả lại" not in page and "Ý kiến khi trả lại" not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    version = re.search(r'data-version="(\d+)"', page).group(1)
    done = client.post(
        f"/bao-cao/{sub_id}/thao-tac/submit",
        data={"csrf_token": token, "version": version},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Report submitted." in done and 'id="state">submitted<' in done


def test_vietnamese_labels_are_the_names_used_elsewhere(app: Flask) -> None:
    """I18N-03: in Vietnamese the labels are exactly the names the rest of the
    app uses (error messages, permissions), so the Vietnamese UI is unchanged;
    every baocao menu entry and category has a label."""
    with app.test_request_context(), force_locale("vi"):
        assert {k: str(v) for k, v in STATE_LABELS.items()} == {
            s.value: n for s, n in STATE_NAMES.items()
        }
        actions = {a.value: n for a, n in ACTION_NAMES.items()}
        assert {k: str(ACTION_LABELS[k]) for k in actions} == actions
        assert {k: str(v) for k, v in NOTIFICATION_KINDS.items()} == KIND_NAMES
        assert all(str(v) == k for k, v in MENU_LABELS.items())
        assert all(str(v) == k for k, v in CATEGORY_LABELS.items())
    ours = [
        (category.name, item.name)
        for category in app.appbuilder.menu.get_list()
        if category.name in CATEGORY_LABELS
        for item in category.childs
    ]
    assert ours and all(name in MENU_LABELS for _, name in ours)


def test_flag_is_the_language_the_page_is_rendered_in(client: Any) -> None:
    """I18N-04: the flag follows flask_babel's locale, not the session key FAB's
    template read (which was missing for a first visit, and stale when a page is
    asked for in another language with FAB's ``_l_`` argument)."""
    page = client.get("/login/").get_data(as_text=True)
    assert '<i class="flag vn"></i><b class="caret">' in page
    assert '<i class="flag gb"></i> - English' in page
    page = client.get("/login/?_l_=en").get_data(as_text=True)
    assert "Đăng nhập" not in page
    assert '<i class="flag gb"></i><b class="caret">' in page
    assert '<i class="flag vn"></i> - Tiếng Việt' in page
