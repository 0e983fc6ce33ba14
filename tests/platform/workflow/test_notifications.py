"""Notifications (issue #5 item 6): assignment and return notices, the bell and
its page, reminders only to units that have not submitted, lateness notices,
the "Nhắc nhở" button, and the tracking board's filters, exports and history.

Three communes report monthly to SKHCN; 2026-M03 is opened (deadline 2026-03-20).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from baocao.platform.models import AuditEvent, Unit
from baocao.platform.models.notification import Notification, Reminder
from baocao.platform.services import workflow as wf
from baocao.platform.services.reminders import remind_now, send_due_reminders
from signing_support import sign_in_chain
from support import serve

#: 2026-03-18 09:00 ICT: two days before the deadline.
SOON = datetime(2026, 3, 18, 2, 0, tzinfo=UTC)
#: 2026-03-21 09:00 ICT: the day after the deadline.
AFTER = datetime(2026, 3, 21, 2, 0, tzinfo=UTC)
#: 2026-03-02 09:00 ICT: when the site's actions happen.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def site(communes_site: dict[str, Any]) -> dict[str, Any]:
    return communes_site


def inbox_of(username: str) -> list[tuple[str, str]]:
    """(kind, text) of the user's notifications, oldest first."""
    return [
        (n.kind, n.text)
        for n in Notification.objects(recipient=username).order_by("created_at", "id")
    ]


def test_assignment_notifies_the_next_steps_accounts(
    app: Any, act: Any, site: dict[str, Any]
) -> None:
    """NT-01: submit → the unit's leaders; sign → senders; send → the receiving
    aggregators. Nobody is told about their own action or another unit's report."""
    sub = site["subs"]["28249"]
    with app.app_context():
        act(app, sub, "28249.nhaplieu", "submit")
        assert inbox_of("28249.lanhdao") == [
            (
                "assignment",
                "Báo cáo tháng kỳ 2026-M03 của đơn vị 28249 đang chờ "
                "bạn: Lãnh đạo duyệt, ký.",
            )
        ]
        assert inbox_of("28249.nhaplieu") == []
        assert inbox_of("28261.lanhdao") == []
        act(app, sub, "28249.lanhdao", "approve")
        assert Notification.objects.count() == 1  # inside a step: nobody new
        sign_in_chain(app, sub, "28249.lanhdao", NOW)
        act(app, sub, "28249.gui", "send")
        assert [k for k, _ in inbox_of("28249.gui")] == ["assignment"]
        assert [k for k, _ in inbox_of("SKHCN.tonghop")] == ["assignment"]
        note = Notification.objects(recipient="SKHCN.tonghop").first()
        assert note.link == f"/bao-cao/{sub}"
        assert (note.unit, note.period_key, note.email_to) == (
            "28249",
            "2026-M03",
            None,
        )


def test_return_notifies_data_entry_with_the_reason(
    app: Any, act: Any, site: dict[str, Any]
) -> None:
    """NT-02: a return tells the accounts of the step it goes back to, with the
    reason; acceptance tells the unit's data entry."""
    sub = site["subs"]["28261"]
    with app.app_context():
        act(app, sub, "28261.nhaplieu", "submit")
        act(app, sub, "28261.lanhdao", "return", reason="Thiếu số liệu quý trước")
        assert inbox_of("28261.nhaplieu") == [
            (
                "return",
                "Báo cáo tháng kỳ 2026-M03 của đơn vị 28261 bị trả lại "
                "bởi 28261.lanhdao. Lý do: Thiếu số liệu quý trước",
            )
        ]
        act(app, sub, "28261.nhaplieu", "submit")
        act(app, sub, "28261.lanhdao", "approve")
        sign_in_chain(app, sub, "28261.lanhdao", NOW)
        act(app, sub, "28261.gui", "send")
        act(app, sub, "SKHCN.tonghop", "accept")
        assert [k for k, _ in inbox_of("28261.nhaplieu")] == ["return", "accepted"]


def test_grants_reach_accounts_of_other_units(app: Any, site: dict[str, Any]) -> None:
    """NT-03: a per-regime grant makes its holder an actor of the step, and a
    revoked grant or a grant for another regime does not."""
    from baocao.platform.models import Grant
    from baocao.platform.services.notifications import holders

    with app.app_context():
        for regime, revoked in (
            (site["regime"], None),
            ("0" * 24, None),
            (site["regime"], NOW),
        ):
            Grant(
                username="SKHCN.tonghop",
                unit_code="28270",
                regime_id=regime,
                roles=["lanhdao"],
                granted_by="admin",
                granted_at=NOW.replace(tzinfo=None),
                revoked_at=revoked and NOW.replace(tzinfo=None),
            ).save()
        found = holders("lanhdao", ["28270", "28249"], site["regime"])
        assert [r.username for r in found["28270"]] == [
            "28270.lanhdao",
            "SKHCN.tonghop",
        ]
        assert [r.username for r in found["28249"]] == ["28249.lanhdao"]
        assert found["28270"][0].email == "28270.lanhdao@dongthap.gov.vn"


def test_reminders_only_to_units_that_have_not_submitted(
    app: Any, act: Any, site: dict[str, Any]
) -> None:
    """NT-04: two days before the deadline, data entry of the units still at the
    first step is reminded, once, however often the job runs."""
    with app.app_context():
        act(app, site["subs"]["28249"], "28249.nhaplieu", "submit")
        Notification.objects.delete()
        assert send_due_reminders(NOW, days=3) == []  # 18 days before: nothing
        sent = send_due_reminders(SOON, days=3)
        assert [(s.kind, s.units, s.notified) for s in sent] == [
            ("deadline_soon", ("28261", "28270"), 2)
        ]
        assert inbox_of("28261.nhaplieu") == [
            (
                "deadline_soon",
                "Báo cáo tháng kỳ 2026-M03 của đơn vị 28261 chưa "
                "được trình; hạn nộp là 20/03/2026.",
            )
        ]
        assert inbox_of("28249.nhaplieu") == []
        assert send_due_reminders(SOON + timedelta(hours=1), days=3) == []
        assert Notification.objects.count() == 2
        assert Reminder.objects.count() == 2


def test_lateness_notifies_the_unit_and_the_receiving_unit_once(
    app: Any, act: Any, site: dict[str, Any]
) -> None:
    """NT-05: after the deadline, each unit that never submitted hears it is late
    (its accounts in the chain) and SKHCN's aggregators get one list."""
    with app.app_context():
        act(app, site["subs"]["28249"], "28249.nhaplieu", "submit")
        Notification.objects.delete()
        sent = send_due_reminders(AFTER, days=3)
        assert [(s.kind, s.units) for s in sent] == [
            ("late", ("28261", "28270")),
            ("late_summary", ("28261", "28270")),
        ]
        assert sorted({n.recipient for n in Notification.objects(kind="late")}) == [
            f"{u}.{r}"
            for u in ("28261", "28270")
            for r in ("gui", "lanhdao", "nhaplieu")
        ]
        assert inbox_of("SKHCN.tonghop") == [
            (
                "late_summary",
                "Báo cáo tháng kỳ 2026-M03: 2 đơn vị chưa nộp và đã trễ hạn "
                "(28261, 28270).",
            )
        ]
        assert send_due_reminders(AFTER + timedelta(days=1), days=3) == []
        assert inbox_of("28249.nhaplieu") == []


def test_remind_button_reminds_the_pending_units_now(
    app: Any, act: Any, client: Any, auth: Any, site: dict[str, Any]
) -> None:
    """NT-06: the receiving unit's "Nhắc nhở" reminds every unit at data entry,
    each press again; data entry may not press it."""
    with app.app_context():
        act(app, site["subs"]["28270"], "28270.nhaplieu", "submit")
    path = f"/che-do-bao-cao/{site['regime']}/ky/2026-M03"
    auth.login("28249.nhaplieu")
    assert (
        client.post(
            f"{path}/nhac-nho",
            data={"csrf_token": _token(client, "/thong-bao-cua-toi/")},
        ).status_code
        == 403
    )
    auth.logout()
    auth.login("SKHCN.tonghop")
    page = client.get(path).get_data(as_text=True)
    assert "Nhắc nhở 2 đơn vị chưa trình" in page
    response = client.post(
        f"{path}/nhac-nho?kind=commune", data={"csrf_token": _token(client, path)}
    )
    assert response.headers["Location"].endswith(f"{path}?kind=commune")
    with app.app_context():
        assert sorted(n.recipient for n in Notification.objects(kind="reminder")) == [
            "28249.nhaplieu",
            "28261.nhaplieu",
        ]
        assert AuditEvent.objects(action="period.remind").count() == 1
        remind_now(site["regime"], "2026-M03", actor="SKHCN.tonghop", now=SOON)
        assert Notification.objects(kind="reminder").count() == 4


def test_moved_deadline_is_announced_to_every_reporting_unit(
    app: Any, site: dict[str, Any]
) -> None:
    """NT-14 (Đ.17.3): extending the deadline tells data entry of every unit,
    with the notice; the new deadline is what reminders then count from."""
    with app.app_context():
        wf.set_deadline(
            site["regime"],
            "2026-M03",
            date(2026, 3, 27),
            actor="SKHCN.tonghop",
            now=NOW,
            notice="Do nghỉ lễ.",
        )
        text = (
            "Báo cáo tháng kỳ 2026-M03: hạn nộp được điều chỉnh thành 27/03/2026. "
            "Do nghỉ lễ."
        )
        assert [inbox_of(f"{u}.nhaplieu") for u in ("28249", "28261", "28270")] == [
            [("deadline_moved", text)]
        ] * 3
        assert send_due_reminders(SOON, days=3) == []


def test_moved_deadline_makes_reminders_due_again(
    app: Any, act: Any, site: dict[str, Any]
) -> None:
    """NT-15 (issue #5 item 2, Đ.17.3): a unit told it is late, then given more
    time, is reminded again before the new deadline and told again once that one
    has passed; each only once per deadline."""
    extended = date(2026, 3, 31)
    with app.app_context():
        act(app, site["subs"]["28249"], "28249.nhaplieu", "submit")
        assert [s.kind for s in send_due_reminders(AFTER, days=3)] == [
            "late",
            "late_summary",
        ]
        wf.set_deadline(
            site["regime"],
            "2026-M03",
            extended,
            actor="SKHCN.tonghop",
            now=AFTER,
            notice="Gia hạn.",
        )
        Notification.objects.delete()
        assert send_due_reminders(AFTER + timedelta(days=1), days=3) == []
        soon = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
        assert [(s.kind, s.units) for s in send_due_reminders(soon, days=3)] == [
            ("deadline_soon", ("28261", "28270"))
        ]
        assert inbox_of("28261.nhaplieu") == [
            (
                "deadline_soon",
                "Báo cáo tháng kỳ 2026-M03 của đơn vị 28261 chưa "
                "được trình; hạn nộp là 31/03/2026.",
            )
        ]
        assert send_due_reminders(soon + timedelta(hours=1), days=3) == []
        late_again = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
        assert [(s.kind, s.units) for s in send_due_reminders(late_again)] == [
            ("late", ("28261", "28270")),
            ("late_summary", ("28261", "28270")),
        ]
        assert send_due_reminders(late_again + timedelta(days=1)) == []


def _token(client: Any, path: str) -> str:
    match = _CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def test_bell_count_and_page_mark_read(
    app: Any, act: Any, client: Any, auth: Any, site: dict[str, Any]
) -> None:
    """NT-07: the navbar bell counts unread notifications; the page lists them,
    opening one marks it read and goes to its report; nobody sees another's."""
    with app.app_context():
        act(app, site["subs"]["28249"], "28249.nhaplieu", "submit")
        send_due_reminders(SOON, days=3)
        mine = Notification.objects(recipient="28249.lanhdao").first()
        other = Notification.objects(recipient="28261.nhaplieu").first()
    auth.login("28249.lanhdao")
    page = client.get("/thong-bao-cua-toi/").get_data(as_text=True)
    assert 'id="bell-count">1<' in page
    assert "đang chờ bạn: Lãnh đạo duyệt, ký." in page
    assert (
        client.get(f"/thong-bao-cua-toi/{other.pk}/mo")
        .headers["Location"]
        .endswith("/thong-bao-cua-toi/")
    )
    opened = client.get(f"/thong-bao-cua-toi/{mine.pk}/mo")
    assert opened.headers["Location"].endswith(f"/bao-cao/{site['subs']['28249']}")
    assert 'id="bell-count"' not in client.get("/thong-bao-cua-toi/").get_data(
        as_text=True
    )
    client.post(
        "/thong-bao-cua-toi/da-doc",
        data={"csrf_token": _token(client, "/thong-bao-cua-toi/"), "id": str(other.pk)},
    )
    with app.app_context():
        assert Notification.objects(id=other.pk).first().read_at is None
    auth.logout()
    auth.login("28261.nhaplieu")
    client.post(
        "/thong-bao-cua-toi/da-doc",
        data={"csrf_token": _token(client, "/thong-bao-cua-toi/"), "all": "1"},
    )
    with app.app_context():
        assert (
            Notification.objects(recipient="28261.nhaplieu", read_at=None).count() == 0
        )


def test_tracking_filters_exports_and_rate(
    app: Any, act: Any, client: Any, auth: Any, site: dict[str, Any]
) -> None:
    """NT-08: filter by state, lateness, unit kind and parent; CSV and .xlsx hold
    the shown rows with unit names that start with '=' escaped."""
    with app.app_context():
        act(app, site["subs"]["28249"], "28249.nhaplieu", "submit")
        Unit.objects(code="28261").update_one(set__name='=HYPERLINK("http://x")')
    auth.login("SKHCN.tonghop")
    path = f"/che-do-bao-cao/{site['regime']}/ky/2026-M03"
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'id="on-time-rate">33%<', page)
    draft = client.get(f"{path}?state=draft").get_data(as_text=True)
    assert 'data-unit="28249"' not in draft and 'data-unit="28261"' in draft
    assert 'data-unit="28249"' in client.get(
        f"{path}?state=submitted&kind=commune&parent=82"
    ).get_data(as_text=True)
    assert 'data-unit="' not in client.get(f"{path}?kind=department").get_data(
        as_text=True
    )
    assert 'data-unit="' not in client.get(f"{path}?parent=SKHCN").get_data(
        as_text=True
    )
    csv_text = client.get(f"{path}?state=draft&format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("28261,\"'=HYPERLINK")
    response = client.get(f"{path}?state=draft&format=xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Mã đơn vị", "Tên đơn vị", "Trạng thái"]
    assert [r[0] for r in rows[1:]] == ["28261", "28270"]
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)


def test_unit_history_across_periods(
    app: Any, act: Any, client: Any, auth: Any, site: dict[str, Any]
) -> None:
    """NT-09: one unit's state, submission time and lateness in every period."""
    with app.app_context():
        wf.open_period(site["regime"], "2026-M02", actor="system", now=NOW)
        act(app, site["subs"]["28249"], "28249.nhaplieu", "submit")
    auth.login("SKHCN.tonghop")
    page = client.get(f"/che-do-bao-cao/{site['regime']}/don-vi/28249").get_data(
        as_text=True
    )
    periods = re.findall(r'<tr data-period="([^"]+)" class="([^"]*)"', page)
    assert periods == [("2026-M03", ""), ("2026-M02", "danger")]
    assert "đã trình" in page
    xlsx = client.get(f"/che-do-bao-cao/{site['regime']}/don-vi/28249?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert [r[0].value for r in sheet.iter_rows()] == ["Kỳ", "2026-M03", "2026-M02"]
    auth.logout()
    auth.login("28249.nhaplieu")
    assert (
        client.get(f"/che-do-bao-cao/{site['regime']}/don-vi/28249").status_code == 403
    )


@pytest.fixture
def live(app: Any, site: dict[str, Any], password: str) -> Iterator[dict[str, Any]]:
    """The app with the communes site on a loopback port."""
    with serve(app) as url:
        yield {"url": url, "password": password, **site}


@pytest.mark.browser
def test_bell_shows_the_count_and_the_page_lists_it(
    browser: Any, app: Any, act: Any, live: dict[str, Any]
) -> None:
    """NT-13: after data entry submits, the leader's bell shows 1; the page lists
    the notification; opening it leads to the report and clears the bell."""
    with app.app_context():
        act(app, live["subs"]["28249"], "28249.nhaplieu", "submit")
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{live['url']}/login/")
    page.fill("input[name=username]", "28249.lanhdao")
    page.fill("input[name=password]", live["password"])
    page.click("[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#notification-bell #bell-count").inner_text() == "1"
    page.screenshot(path="/tmp/notify-bell.png")
    page.click("#notification-bell a")
    page.wait_for_load_state()
    row = page.locator("#notifications tbody tr[data-read='0']")
    assert row.count() == 1
    assert "đang chờ bạn: Lãnh đạo duyệt, ký." in row.inner_text()
    page.screenshot(path="/tmp/notify-page.png", full_page=True)
    row.locator("a").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/bao-cao/{live['subs']['28249']}")
    assert page.locator("#bell-count").count() == 0
