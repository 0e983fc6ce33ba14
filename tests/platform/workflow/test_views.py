"""Workflow pages through the Flask test client: the whole chain by four users."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.platform.settings import Secret, Settings
from flask.testing import FlaskClient

ACCOUNTS = [
    ("SKHCN.thietke", Role.DESIGNER, "SKHCN"),
    ("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN"),
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.lanhdao", Role.APPROVER, "28249"),
    ("28249.gui", Role.SENDER, "28249"),
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, secret_key=Secret("kiem-thu-quy-trinh-" * 3))


@pytest.fixture
def site(
    app: Any, client: FlaskClient, make_user: Any, make_unit: Any, auth: Any
) -> Any:
    with app.app_context():
        make_unit("82", "province")
        make_unit("SKHCN", "department", "82")
        for code in ("28249", "28261"):
            make_unit(code, "commune", "82")
        for username, role, unit in ACCOUNTS:
            make_user(username, role, unit)

    class Site:
        def as_user(self, username: str) -> None:
            auth.logout()
            response = auth.login(username)
            assert response.status_code in (200, 302)

        def get(self, path: str) -> str:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response.get_data(as_text=True)

        def post(self, path: str, page: str, **data: Any) -> Any:
            token = _CSRF.search(page)
            assert token, "no CSRF token on the page"
            return client.post(path, data={"csrf_token": token.group(1), **data})

    return Site()


def test_designer_to_receiver_through_the_pages(site: Any, app: Any) -> None:
    """WF-V01: create chain and regime, open 2026-M03, walk it, see the board."""
    site.as_user("SKHCN.thietke")
    page = site.get("/quy-trinh/")
    steps = {
        "step0_name": "Nhập liệu trình",
        "step0_role": "nhaplieu",
        "step0_unit": "reporting",
        "step0_actions": ["submit"],
        "step1_name": "Lãnh đạo duyệt, ký",
        "step1_role": "lanhdao",
        "step1_unit": "reporting",
        "step1_actions": ["approve", "sign", "return"],
        "step2_name": "Gửi",
        "step2_role": "gui",
        "step2_unit": "reporting",
        "step2_actions": ["send"],
        "step3_name": "Tiếp nhận",
        "step3_role": "tonghop",
        "step3_unit": "receiving",
        "step3_actions": ["accept", "return"],
    }
    assert site.post("/quy-trinh/", page, name="Chuẩn", **steps).status_code == 302
    page = site.get("/che-do-bao-cao/tao")
    chain_id = re.search(r'<option value="([0-9a-f]{24})">Chuẩn', page).group(1)
    made = site.post(
        "/che-do-bao-cao/tao",
        page,
        name="Báo cáo tháng",
        kind="dinh_ky",
        content="numeric",
        units_mode="kind",
        units_kind="commune",
        receiving_unit="SKHCN",
        methods="he_thong",
        frequency="month",
        cutoff_kind="nd09",
        deadline_kind="day_of_last_month",
        deadline_days="20",
        form_id="f1",
        form_version="1",
        guidance="Nhập, duyệt, ký, gửi",
        chain_id=chain_id,
        publish="1",
    )
    assert made.status_code == 302
    site.as_user("SKHCN.tonghop")
    page = site.get("/che-do-bao-cao/")
    regime_id = re.search(r'data-regime="([0-9a-f]{24})"', page).group(1)
    opened = site.post(f"/che-do-bao-cao/{regime_id}/mo-ky", page, period="2026-M03")
    assert opened.status_code == 302
    with app.app_context():
        sub = Submission.objects(unit="28249").first()
        sub_id = str(sub.pk)

    site.as_user("28249.nhaplieu")
    assert sub_id in site.get("/bao-cao/viec-can-lam")
    page = site.get(f"/bao-cao/{sub_id}")
    saved = site.post(
        f"/bao-cao/{sub_id}/so-lieu",
        page,
        version="1",
        new_cell="Biểu 01!D7",
        new_value="1.234,5",
    )
    assert saved.status_code == 302
    for who, action, extra in [
        ("28249.nhaplieu", "submit", {}),
        ("28249.lanhdao", "approve", {}),
        ("28249.lanhdao", "sign", {}),
        ("28249.gui", "send", {}),
        (
            "SKHCN.tonghop",
            "return",
            {"reason": "Sai D7", "comments": "Biểu 01!D7: xem lại"},
        ),
        ("28249.nhaplieu", "submit", {}),
    ]:
        site.as_user(who)
        page = site.get(f"/bao-cao/{sub_id}")
        assert f'id="action-{action}"' in page, (who, action)
        version = re.search(r'data-version="(\d+)"', page).group(1)
        done = site.post(
            f"/bao-cao/{sub_id}/thao-tac/{action}", page, version=version, **extra
        )
        assert done.status_code == 302, (who, action, done.get_data(as_text=True)[:300])
    with app.app_context():
        sub = Submission.objects(unit="28249").first()
        assert (sub.state, sub.step) == ("submitted", 1)
        assert sub.get_data() == {"Biểu 01!D7": 1234.5}
    site.as_user("SKHCN.tonghop")
    board = site.get(f"/che-do-bao-cao/{regime_id}/ky/2026-M03")
    assert 'data-unit="28249"' in board and "đã trình" in board
    csv_text = site.get(f"/che-do-bao-cao/{regime_id}/ky/2026-M03?format=csv")
    assert "28261" in csv_text


def test_other_unit_cannot_open_or_act(
    site: Any, app: Any, client: FlaskClient
) -> None:
    """WF-V02: another unit's report page is refused (403), and so is acting on it."""
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with app.app_context():
        chain = config.ensure_default_chain(now=now)
        regime = config.create_regime(
            {
                "name": "R",
                "kind": "dinh_ky",
                "content": "numeric",
                "reporting_units": ["28249", "28261"],
                "receiving_unit": "SKHCN",
                "methods": ["he_thong"],
                "cutoff": {"kind": "nd09"},
                "deadline": {"days": 5},
                "frequency": "month",
                "form_id": "f",
                "form_version": 1,
                "guidance": "g",
                "chain_id": str(chain.pk),
            },
            actor="x",
            now=now,
            publish=True,
        )
        wf.open_period(str(regime.pk), "2026-M03", actor="x", now=now)
        other = str(Submission.objects(unit="28261").first().pk)
        mine = str(Submission.objects(unit="28249").first().pk)
    site.as_user("28249.nhaplieu")
    assert client.get(f"/bao-cao/{other}").status_code == 403
    page = site.get(f"/bao-cao/{mine}")
    refused = site.post(f"/bao-cao/{other}/thao-tac/submit", page, version="1")
    assert refused.status_code == 403
    assert "WF036" in refused.get_data(as_text=True)
