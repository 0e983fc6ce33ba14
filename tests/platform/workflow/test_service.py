"""Workflow services on mongomock: periods, data, actions, races, tracking."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from baocao.platform.models import AuditEvent
from baocao.platform.models.workflow import Period, Submission
from baocao.platform.services import signatures
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.platform.services.workflow_demo import seed_demo_regime
from baocao.platform.services.workflow_fallback import record_received_outside
from baocao.platform.services.workflow_jobs import open_due_periods
from baocao.platform.services.workflow_signing import SigningSetup, sign_with_pdf
from baocao.platform.services.workflow_tracking import inbox, list_submissions, status
from baocao.platform.workflow.errors import (
    ClosedPeriodError,
    ConflictError,
    DataInvalidError,
    ForbiddenActionError,
    InvalidActionInputError,
    NotFoundError,
    RegimeIncompleteError,
    TransitionError,
)
from signing_support import pki, sign_outside, simple_render

#: 2026-03-02 09:00 ICT: inside the cut-off window of 2026-M03.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@dataclass
class FakeUser:
    """What the access service reads from a FAB user."""

    username: str
    unit_code: str | None
    roles: list[str] = field(default_factory=list)
    is_authenticated: bool = True
    is_active: bool = True


def user(unit: str, role: str) -> FakeUser:
    """The demo-style account ``<unit>.<role>`` holding one role in its unit."""
    return FakeUser(f"{unit}.{role}", unit, [role])


REGIME: dict[str, Any] = {
    "name": "Báo cáo kinh tế - xã hội tháng",
    "kind": "dinh_ky",
    "content": "numeric",
    "reporting_units": {"mode": "kind", "kind": "commune"},
    "receiving_unit": "SKHCN",
    "methods": ["he_thong"],
    "cutoff": {"kind": "nd09"},
    "deadline": {"kind": "day_of_last_month", "days": 20},
    "frequency": "month",
    "form_id": "f1",
    "form_version": 1,
    "guidance": "Nhập, duyệt, ký, gửi.",
}


def make_regime(**changes: Any) -> str:
    chain = config.ensure_default_chain(now=NOW)
    doc = config.create_regime(
        REGIME | {"chain_id": str(chain.pk)} | changes,
        actor="SKHCN.thietke",
        now=NOW,
        publish=True,
    )
    return str(doc.pk)


@pytest.fixture
def regime(units: list[str]) -> str:
    return make_regime()


@pytest.fixture
def opened(regime: str) -> dict[str, str]:
    wf.open_period(regime, "2026-M03", actor="system", now=NOW)
    return {s.unit: str(s.pk) for s in Submission.objects(regime_id=regime)}


def test_open_period_is_idempotent(regime: str) -> None:
    """WF-S01: one submission per reporting unit, however often the job runs."""
    period, created = wf.open_period(regime, "2026-M03", actor="system", now=NOW)
    assert created == 3
    assert (period.window_start, period.window_end, period.deadline) == (
        "2026-02-15",
        "2026-03-14",
        "2026-03-20",
    )
    again, created_again = wf.open_period(regime, "2026-M03", actor="system", now=NOW)
    assert created_again == 0
    assert again.pk == period.pk
    assert Submission.objects(regime_id=regime).count() == 3
    assert Period.objects(regime_id=regime).count() == 1
    threads = [
        threading.Thread(
            target=wf.open_period,
            args=(regime, "2026-M04"),
            kwargs={"actor": "job", "now": NOW},
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Submission.objects(regime_id=regime, period_key="2026-M04").count() == 3
    assert AuditEvent.objects(action="period.open").count() == 2


def test_open_period_refuses_bad_input(units: list[str]) -> None:
    draft = config.create_regime({"name": "Nháp"}, actor="x", now=NOW)
    with pytest.raises(TransitionError) as caught:
        wf.open_period(str(draft.pk), "2026-M03", actor="x", now=NOW)
    assert caught.value.code == "WF042"
    regime = make_regime()
    with pytest.raises(Exception) as bad_key:
        wf.open_period(regime, "2026-Q1", actor="x", now=NOW)
    assert bad_key.value.code == "WF002"
    with pytest.raises(NotFoundError):
        wf.open_period("nope", "2026-M03", actor="x", now=NOW)


def test_publishing_needs_every_element(units: list[str]) -> None:
    """WF-S02: an incomplete regime stays a draft."""
    with pytest.raises(RegimeIncompleteError) as caught:
        config.create_regime(REGIME, actor="x", now=NOW, publish=True)
    assert "quy trình phê duyệt" in caught.value.problems
    draft = config.create_regime(REGIME | {"chain_id": "0" * 24}, actor="x", now=NOW)
    with pytest.raises(RegimeIncompleteError) as missing:
        config.publish_regime(str(draft.pk), actor="x", now=NOW)
    assert missing.value.problems == [f"quy trình phê duyệt '{'0' * 24}' không tồn tại"]


def _walk(sub_id: str, steps: list[tuple[Any, str, dict[str, Any]]]) -> Submission:
    sub = wf.get_submission(sub_id)
    for who, action, extra in steps:
        sub = wf.act(sub_id, action, sub.version, who, now=NOW, **extra)
    return sub


def test_whole_chain_with_four_users(opened: dict[str, str]) -> None:
    """WF-S03: data entry → leader approves and signs → sender → receiver accepts."""
    sub_id = opened["28249"]
    entry = user("28249", "nhaplieu")
    saved = wf.save_data(sub_id, {"Biểu 01!D7": 5}, 1, entry, now=NOW)
    assert saved.version == 2
    leader = user("28249", "lanhdao")
    sub = _walk(sub_id, [(entry, "submit", {}), (leader, "approve", {})])
    signatures.register_certificate(
        leader.username, pki("leader.pem"), actor="admin", now=NOW
    )
    setup = SigningSetup(trust_roots=(pki("root.pem"),), render=simple_render)
    sign_with_pdf(
        sub_id, sub.version, leader, sign_outside(sub, NOW), now=NOW, setup=setup
    )
    sub = _walk(
        sub_id,
        [(user("28249", "gui"), "send", {}), (user("SKHCN", "tonghop"), "accept", {})],
    )
    assert (sub.state, sub.step, sub.version) == ("accepted", None, 7)
    assert [e["action"] for e in sub.history] == [
        "save",
        "submit",
        "approve",
        "sign",
        "send",
        "accept",
    ]
    assert {e["data_sha256"] for e in sub.history} == {wf.data_hash({"Biểu 01!D7": 5})}
    assert sub.submitted_at == NOW.replace(tzinfo=None)
    actions = [e.action for e in AuditEvent.objects(target=f"submission:{sub_id}")]
    assert sorted(actions) == sorted(
        f"submission.{a}"
        for a in ("save", "submit", "approve", "sign", "send", "accept")
    )


def test_wrong_unit_and_wrong_role_are_403(opened: dict[str, str]) -> None:
    """WF-S04: another commune's leader, or a receiver too early, may not act."""
    sub_id = opened["28249"]
    with pytest.raises(ForbiddenActionError):
        wf.save_data(sub_id, {"Biểu 01!D7": 1}, 1, user("28261", "nhaplieu"), now=NOW)
    wf.act(sub_id, "submit", 1, user("28249", "nhaplieu"), now=NOW)
    for who in (
        user("28261", "lanhdao"),
        user("SKHCN", "tonghop"),
        user("28249", "gui"),
    ):
        with pytest.raises(ForbiddenActionError) as caught:
            wf.act(sub_id, "approve", 2, who, now=NOW)
        assert caught.value.http_status == 403
    province_leader = user("82", "lanhdao")  # its subtree covers every commune
    assert wf.act(sub_id, "approve", 2, province_leader, now=NOW).state == "approved"


def test_return_with_reason_comments_and_what_changed(opened: dict[str, str]) -> None:
    """WF-S05: return needs a reason, pins comments; resubmission shows changes."""
    sub_id = opened["28261"]
    entry, leader = user("28261", "nhaplieu"), user("28261", "lanhdao")
    wf.save_data(sub_id, {"Biểu 01!D7": 5, "Biểu 01!D8": 1}, 1, entry, now=NOW)
    wf.act(sub_id, "submit", 2, entry, now=NOW)
    with pytest.raises(InvalidActionInputError) as caught:
        wf.act(sub_id, "return", 3, leader, now=NOW, reason=" ")
    assert caught.value.code == "WF022"
    sub = wf.act(
        sub_id,
        "return",
        3,
        leader,
        now=NOW,
        reason="Sai số liệu",
        comments={"Biểu 01!D7": "Kiểm tra lại"},
    )
    assert (sub.state, sub.step) == ("returned", 0)
    assert [(c["cell"], c["text"]) for c in sub.comments] == [
        ("Biểu 01!D7", "Kiểm tra lại")
    ]
    assert sub.history[-1]["reason"] == "Sai số liệu"
    wf.save_data(sub_id, {"Biểu 01!D7": 6, "Biểu 01!D8": 1}, 4, entry, now=NOW)
    sub = wf.act(sub_id, "submit", 5, entry, now=NOW)
    assert sub.history[-1]["changed_since_return"] == ["Biểu 01!D7"]


def test_stale_version_and_not_editable(opened: dict[str, str]) -> None:
    sub_id = opened["28270"]
    entry = user("28270", "nhaplieu")
    wf.save_data(sub_id, {"Biểu 01!D7": 1}, 1, entry, now=NOW)
    with pytest.raises(ConflictError) as caught:
        wf.save_data(sub_id, {"Biểu 01!D7": 2}, 1, entry, now=NOW)
    assert caught.value.fields == {"current": 2, "expected": 1}
    assert caught.value.http_status == 409
    wf.act(sub_id, "submit", 2, entry, now=NOW)
    with pytest.raises(TransitionError) as frozen:
        wf.save_data(sub_id, {"Biểu 01!D7": 3}, 3, entry, now=NOW)
    assert frozen.value.code == "WF033"


def test_data_validation_refuses_invalid_data(opened: dict[str, str]) -> None:
    def compute(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        errors = [
            {"cell": k, "message": "Phải là số"}
            for k, v in data.items()
            if not isinstance(v, int | float)
        ]
        return {
            "Biểu 01!D9": sum(v for v in data.values() if isinstance(v, int))
        }, errors

    entry = user("28249", "nhaplieu")
    with pytest.raises(DataInvalidError) as caught:
        wf.save_data(
            opened["28249"], {"Biểu 01!D7": "x"}, 1, entry, now=NOW, compute=compute
        )
    assert caught.value.errors == [{"cell": "Biểu 01!D7", "message": "Phải là số"}]
    sub = wf.save_data(
        opened["28249"], {"Biểu 1.2!D7": 4}, 1, entry, now=NOW, compute=compute
    )
    assert sub.get_data() == {"Biểu 1.2!D7": 4}
    assert sub.get_computed() == {"Biểu 01!D9": 4}


def _race(count: int, target: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = target(index)
        except ConflictError as err:
            results[index] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_transitions_exactly_one_wins(
    opened: dict[str, str], attempt: int
) -> None:
    """WF-S06: eight concurrent approvals of one version: one wins, seven get 409."""
    sub_id = opened["28249"]
    wf.act(sub_id, "submit", 1, user("28249", "nhaplieu"), now=NOW)
    leader = user("28249", "lanhdao")
    results = _race(8, lambda i: wf.act(sub_id, "approve", 2, leader, now=NOW))
    winners = [r for r in results if isinstance(r, Submission)]
    assert len(winners) == 1
    assert all(isinstance(r, ConflictError) for r in results if r not in winners)
    sub = wf.get_submission(sub_id)
    assert (sub.state, sub.version) == ("approved", 3)
    assert [e["action"] for e in sub.history].count("approve") == 1


def test_concurrent_saves_lose_nothing(opened: dict[str, str]) -> None:
    """WF-S07: racing saves: every accepted one is in the history, in version order."""
    sub_id = opened["28261"]
    entry = user("28261", "nhaplieu")

    def save(index: int) -> Submission:
        for _ in range(50):
            current = wf.get_submission(sub_id).version
            try:
                return wf.save_data(
                    sub_id, {"Biểu 01!D7": index}, current, entry, now=NOW
                )
            except ConflictError:
                continue
        raise AssertionError("never saved")

    results = _race(6, save)
    sub = wf.get_submission(sub_id)
    assert sub.version == 7
    assert [e["version"] for e in sub.history] == [2, 3, 4, 5, 6, 7]
    # Each thread saved different data: every accepted save is in the history.
    # (``r.version`` is not checked: a save returns the reloaded document, which
    # may already carry a later thread's write.)
    assert len({e["data_sha256"] for e in sub.history}) == len(results) == 6


def test_tracking_board_marks_late_units(opened: dict[str, str], regime: str) -> None:
    """WF-S08: late = submitted after the deadline (2026-03-20, Vietnam time)."""
    on_time = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)  # 23:00 ICT
    late = datetime(2026, 3, 20, 17, 0, tzinfo=UTC)  # 00:00 ICT on the 21st
    wf.act(opened["28249"], "submit", 1, user("28249", "nhaplieu"), now=on_time)
    wf.act(opened["28261"], "submit", 1, user("28261", "nhaplieu"), now=late)
    rows = {r.unit: r for r in status(regime, "2026-M03", now=late + timedelta(days=1))}
    assert {u: (r.state, r.late) for u, r in rows.items()} == {
        "28249": ("submitted", False),
        "28261": ("submitted", True),
        "28270": ("draft", True),
    }
    early = {r.unit: r.late for r in status(regime, "2026-M03", now=NOW)}
    assert early == {"28249": False, "28261": True, "28270": False}
    wf.set_deadline(
        regime,
        "2026-M03",
        date(2026, 3, 23),
        actor="SKHCN.tonghop",
        now=NOW,
        notice="Gia hạn do mưa bão",
    )
    extended = {r.unit: r.late for r in status(regime, "2026-M03", now=late)}
    assert extended == {"28249": False, "28261": False, "28270": False}


def test_closed_period_is_read_only(opened: dict[str, str], regime: str) -> None:
    """WF-S09: closed periods are archives (Đ.19)."""
    wf.close_period(regime, "2026-M03", actor="SKHCN.tonghop", now=NOW)
    with pytest.raises(ClosedPeriodError):
        wf.act(opened["28249"], "submit", 1, user("28249", "nhaplieu"), now=NOW)


def test_listing_respects_grants(opened: dict[str, str], regime: str) -> None:
    """WF-S10: a commune sees its own submission; the receiving unit sees all."""
    mine = list_submissions(user("28249", "nhaplieu"), now=NOW, regime=regime)
    assert [s.unit for s in mine] == ["28249"]
    everything = list_submissions(user("SKHCN", "tonghop"), now=NOW, regime=regime)
    assert [s.unit for s in everything] == ["28249", "28261", "28270"]
    assert list_submissions(user("28261", "xem"), now=NOW, unit="28249") == []


def test_guarded_update_catches_a_race_after_the_version_check(
    opened: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """WF-S11: a stale read that passes the early check still loses at the write."""
    sub_id = opened["28270"]
    wf.act(sub_id, "submit", 1, user("28270", "nhaplieu"), now=NOW)
    stale = wf.get_submission(sub_id)
    wf.act(
        sub_id, "return", 2, user("28270", "lanhdao"), now=NOW, reason="Thiếu số liệu"
    )
    monkeypatch.setattr(wf, "get_submission", lambda _id, **_kw: stale)
    with pytest.raises(ConflictError) as caught:
        wf.act(sub_id, "approve", 2, user("28270", "lanhdao"), now=NOW)
    assert caught.value.fields == {"current": 3, "expected": 2}
    monkeypatch.undo()
    sub = wf.get_submission(sub_id)
    assert (sub.state, sub.version, len(sub.history)) == ("returned", 3, 2)


def test_inbox_lists_what_waits_for_each_user(opened: dict[str, str]) -> None:
    """WF-S12: the inbox shows each user the submissions at their step."""
    entry = user("28249", "nhaplieu")
    mine = inbox(entry, now=NOW)
    assert [(i.unit, i.actions) for i in mine] == [("28249", ("submit",))]
    assert mine[0].deadline == "2026-03-20"
    assert inbox(user("28249", "lanhdao"), now=NOW) == []
    wf.act(opened["28249"], "submit", 1, entry, now=NOW)
    assert inbox(entry, now=NOW) == []
    leader = inbox(user("28249", "lanhdao"), now=NOW)
    assert [(i.unit, i.actions) for i in leader] == [("28249", ("approve", "return"))]
    assert inbox(user("SKHCN", "tonghop"), now=NOW) == []
    assert len(inbox(user("82", "nhaplieu"), now=NOW)) == 2


def test_scheduled_job_opens_due_periods(regime: str) -> None:
    """WF-S13: the job opens the period whose window contains today, idempotently."""
    first = open_due_periods(NOW)
    assert [(o.period, o.created) for o in first] == [("2026-M03", 3)]
    assert [(o.period, o.created) for o in open_due_periods(NOW)] == [("2026-M03", 0)]
    later = open_due_periods(datetime(2026, 3, 16, 1, 0, tzinfo=UTC))
    assert [(o.period, o.created) for o in later] == [("2026-M04", 3)]


def test_demo_regime_is_seeded_once(units: list[str]) -> None:
    """WF-S14: the demo regime covers every commune and can be opened for 2026-M03."""
    first = seed_demo_regime(now=NOW)
    assert seed_demo_regime(now=NOW).pk == first.pk
    assert first.status == "published"
    _period, created = wf.open_period(str(first.pk), "2026-M03", actor="x", now=NOW)
    assert created == len(units)


def test_report_received_outside_the_system(
    opened: dict[str, str], regime: str
) -> None:
    """WF-S15: Đ.11.2 fallback, recorded by the receiver, late by document date."""
    sub_id = opened["28270"]
    with pytest.raises(ForbiddenActionError):
        record_received_outside(
            sub_id,
            1,
            user("28270", "nhaplieu"),
            now=NOW,
            document_number="12/BC-UBND",
            document_date=date(2026, 3, 18),
        )
    sub = record_received_outside(
        sub_id,
        1,
        user("SKHCN", "tonghop"),
        now=NOW,
        document_number="12/BC-UBND",
        document_date=date(2026, 3, 18),
        file_id="gridfs:abc",
    )
    assert sub.backfilled
    assert sub.external_ref["document_number"] == "12/BC-UBND"
    assert sub.history[-1]["action"] == "record_outside"
    rows = {
        r.unit: r.late
        for r in status(regime, "2026-M03", now=datetime(2026, 4, 1, tzinfo=UTC))
    }
    assert rows["28270"] is False
    saved = wf.save_data(
        sub_id, {"Biểu 01!D7": 3}, 2, user("28270", "nhaplieu"), now=NOW
    )
    assert saved.backfilled and saved.version == 3
