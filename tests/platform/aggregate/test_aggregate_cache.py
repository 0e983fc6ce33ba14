"""The stored aggregate, its background refresh and the aggregate page (issue #7).

Celery runs eagerly here (see the ``world`` fixture): a refresh queued by a
page view or an acceptance has run when the call that queued it returns.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from baocao.platform.models.aggregate import AggregateCache
from baocao.platform.models.workflow import Regime, Submission
from baocao.platform.services import aggregate_cache, aggregation
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from flask.testing import FlaskClient

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
CELL = "Biểu 01-KTXH!D10"
RATIO = "Biểu 01-KTXH!H9"


@dataclass
class FakeUser:
    """What the access service reads from a FAB user (as in the workflow tests)."""

    username: str
    unit_code: str | None
    roles: list[str] = field(default_factory=list)
    is_authenticated: bool = True
    is_active: bool = True


def _url(world: dict[str, Any], tail: str = "") -> str:
    return f"/tong-hop/{world['regime']}/2026-M03{tail}"


def _open_period(world: dict[str, Any]) -> None:
    """A chain without signing (signing has its own tests) and 2026-M03 open
    (28273 gets a draft)."""
    steps = [
        ("Nhập liệu", "nhaplieu", "reporting", ["submit"]),
        ("Lãnh đạo duyệt", "lanhdao", "reporting", ["approve", "return"]),
        ("Gửi", "gui", "reporting", ["send"]),
        ("Tiếp nhận", "tonghop", "receiving", ["accept", "return"]),
    ]
    chain = config.create_chain(
        {
            "name": "Không ký số (kiểm thử tổng hợp)",
            "steps": [
                {"name": n, "actor_role": r, "actor_unit": u, "actions": a}
                for n, r, u, a in steps
            ],
        },
        actor="system",
        now=NOW,
    )
    Regime.objects(pk=world["regime"]).update_one(set__chain_id=str(chain.pk))
    wf.open_period(world["regime"], "2026-M03", actor="system", now=NOW)


def _cache(world: dict[str, Any]) -> AggregateCache:
    return AggregateCache.objects.get(regime_id=world["regime"], unit="SKHCN")


def test_refresh_stores_the_aggregate_with_its_submissions(
    app: Any, world: dict[str, Any]
) -> None:
    """AGP-1: a missing aggregate is queued on read, computed (eagerly), stored
    with the exact submissions and versions it combined, and then fresh; the
    stored values are those of the live aggregate."""
    with app.app_context():
        found = aggregate_cache.ensure_fresh(world["regime"], "2026-M03", None, NOW)
        assert found.fresh and found.state == "fresh"
        live = aggregation.aggregate_period(
            world["regime"],
            "2026-M03",
            unit=None,
            load_form=app.extensions["baocao_form_loader"],
            now=NOW,
        )
        cache = _cache(world)
        subs = {s.unit: s for s in Submission.objects(state="accepted")}
    assert [dict(i) for i in cache.included] == [
        {"unit": u, "id": str(subs[u].pk), "version": subs[u].version}
        for u in ("28249", "28261")
    ]
    assert found.to_dict()["units_missing"] == ["28270", "28273"]
    age = datetime.now(UTC).replace(tzinfo=None) - cache.computed_at
    assert timedelta(0) <= age < timedelta(minutes=1)  # the worker's clock
    stored = {k.replace("\uff0e", "."): v for k, v in cache.inputs.items()}
    assert stored == live.result.inputs
    assert cache.computed[RATIO] == live.result.computed[RATIO]


def test_a_changed_submission_makes_the_cache_stale(
    app: Any, world: dict[str, Any]
) -> None:
    """AGP-2: the stored aggregate is never fresh once the accepted submissions
    differ from the ones it combined, whatever its refresh state says."""
    with app.app_context():
        aggregate_cache.ensure_fresh(world["regime"], "2026-M03", None, NOW)
        Submission.objects(unit="28270").update_one(
            set__state="accepted", inc__version=1
        )
        after_accept = aggregate_cache.status(world["regime"], "2026-M03", None, NOW)
        AggregateCache.objects(unit="SKHCN").update_one(set__refresh_state="idle")
        Submission.objects(unit="28249").update_one(inc__version=1)
        after_edit = aggregate_cache.status(world["regime"], "2026-M03", None, NOW)
    assert not after_accept.fresh and after_accept.state == "stale"
    assert not after_edit.fresh


def test_accepting_refreshes_in_the_background(app: Any, world: dict[str, Any]) -> None:
    """AGP-3: walking 28273's report through the chain to 'accept' queues the
    refresh; the stored aggregate then includes 28273 and is fresh."""
    entry = FakeUser("28273.nhaplieu", "28273", ["nhaplieu"])
    leader = FakeUser("28273.lanhdao", "28273", ["lanhdao"])
    with app.app_context():
        aggregate_cache.ensure_fresh(world["regime"], "2026-M03", None, NOW)
        _open_period(world)
        sub = Submission.objects.get(unit="28273")
        sub = wf.save_data(str(sub.pk), {CELL: 7}, sub.version, entry, now=NOW)
        steps = [
            (entry, "submit", {}),
            (leader, "approve", {}),
            (FakeUser("28273.gui", "28273", ["gui"]), "send", {}),
            (FakeUser("SKHCN.tonghop", "SKHCN", ["tonghop"]), "accept", {}),
        ]
        for who, action, extra in steps:
            sub = wf.act(str(sub.pk), action, sub.version, who, now=NOW, **extra)
        assert sub.state == "accepted"
        found = aggregate_cache.status(world["regime"], "2026-M03", None, NOW)
    assert found.fresh
    assert [i["unit"] for i in found.cache.included] == ["28249", "28261", "28273"]
    first, second = world["scenarios"][0], world["scenarios"][1]
    expected = first[CELL] + second.get(CELL, 0) + 7
    assert found.cache.inputs[CELL.replace(".", "\uff0e")] == pytest.approx(expected)


def test_failed_refresh_shows_the_reason(app: Any, world: dict[str, Any]) -> None:
    """AGP-4: a submission on another form version is refused (AG002) with the
    units and versions named; the page shows the message, never numbers."""
    with app.app_context():
        Submission.objects(unit="28261").update_one(set__form_version=2)
        found = aggregate_cache.ensure_fresh(world["regime"], "2026-M03", None, NOW)
    assert found.state == "failed" and found.cache.error_code == "AG002"
    assert "28261" in found.cache.error and "phiên bản 2" in found.cache.error


def test_page_shows_the_grid_units_and_links(
    app: Any, client: FlaskClient, auth: Any, world: dict[str, Any]
) -> None:
    """AGP-5: the page draws the aggregate in the form's layout (read-only),
    names included and missing units (linked to the tracking board) and when
    it was computed; the tracking board and regimes page link to it."""
    with app.app_context():
        _open_period(world)
    auth.login("SKHCN.tonghop")
    page = client.get(_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-state="fresh"' in html and 'id="computed-at"' in html
    assert re.search(r"Số liệu tính lúc \d\d:\d\d \d\d/\d\d/\d{4}", html)
    assert f'data-key="{CELL}"' in html and " readonly" in html
    assert 'id="unit-' not in html
    assert html.count("#unit-28270") == 1 and html.count("#unit-28273") == 1
    board = client.get(f"/che-do-bao-cao/{world['regime']}/ky/2026-M03")
    assert _url(world) in board.get_data(as_text=True)
    regimes = client.get("/che-do-bao-cao/").get_data(as_text=True)
    assert _url(world) in regimes
    assert 'id="bc-aggregate" data-baocao-form lang="vi"' in html
    client.get("/lang/en")  # the read-only grid is drawn in the user's language
    english = client.get(_url(world)).get_data(as_text=True)
    assert 'id="bc-aggregate" data-baocao-form lang="en"' in english


def test_drill_down_of_an_input_and_a_formula(
    client: FlaskClient, auth: Any, world: dict[str, Any]
) -> None:
    """AGP-6: each unit's value of the clicked cell, blanks and missing units;
    for a formula cell, each unit's own result and the recomputed total."""
    auth.login("SKHCN.tonghop")
    client.get(_url(world))
    first, second = world["scenarios"][0], world["scenarios"][1]
    body = client.get(_url(world, f"/o?cell={CELL}")).get_json()
    assert body["rule"] == "sum" and body["rule_name"] == "cộng"
    units = (("28249", first), ("28261", second))
    assert body["values"] == {u: d[CELL] for u, d in units if CELL in d}
    assert body["blank"] == [u for u, d in units if CELL not in d]
    assert body["value"] == pytest.approx(first[CELL] + second.get(CELL, 0))
    assert body["missing"] == ["28270", "28273"]
    ratio = client.get(_url(world, f"/o?cell={RATIO}")).get_json()
    assert ratio["rule"] == "formula" and set(ratio["values"]) <= {"28249", "28261"}
    unknown = client.get(_url(world, "/o?cell=X!A1"))
    assert unknown.status_code == 422 and unknown.get_json()["code"] == "AG005"
    client.get("/lang/en")  # I18N-12: the rule's name in the user's language
    assert client.get(_url(world, f"/o?cell={CELL}")).get_json()["rule_name"] == "sum"


@pytest.mark.parametrize(
    ("user", "status"),
    [("STC.tonghop", 403), ("28249.nhaplieu", 403)],
    ids=["other-unit-aggregator", "data-entry"],
)
def test_other_units_may_not_see_the_aggregate(
    client: FlaskClient,
    auth: Any,
    world: dict[str, Any],
    user: str,
    status: int,
) -> None:
    """AGP-7: the page, its status and its drill-down are for the scope unit's
    aggregator only; others get 403 (data entry lacks the page permission)."""
    auth.login(user)
    for tail in ("", "/trang-thai", f"/o?cell={CELL}"):
        response = client.get(_url(world, tail))
        assert response.status_code == status, (tail, response.status_code)


def test_a_refresh_waiting_in_the_queue_is_not_queued_again(
    app: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """AGP-9: acceptances while a refresh waits queue nothing more (it reads the
    accepted reports when it starts); a running refresh, or one queued longer
    than REQUEUE_AFTER ago (assumed lost), gets a new one. Each waits
    REFRESH_DELAY_S in the queue, so that a run of acceptances shares it."""
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        aggregate_cache, "enqueue", lambda *args, **kw: queued.append((*args, kw))
    )
    with app.app_context():
        aggregate_cache.schedule(world["regime"], "2026-M03", "SKHCN", NOW)
        aggregate_cache.schedule(world["regime"], "2026-M03", "SKHCN", NOW)
        assert len(queued) == 1 and _cache(world).refresh_state == "queued"
        assert queued[0][-1] == {"countdown": aggregate_cache.REFRESH_DELAY_S}
        later = NOW + aggregate_cache.REQUEUE_AFTER + timedelta(seconds=1)
        aggregate_cache.schedule(world["regime"], "2026-M03", "SKHCN", later)
        assert len(queued) == 2
        AggregateCache.objects(pk=_cache(world).pk).update_one(
            set__refresh_state="running"
        )
        aggregate_cache.schedule(world["regime"], "2026-M03", "SKHCN", later)
        assert len(queued) == 3


def test_the_worker_starts_a_queued_refresh_after_the_delay(
    app: Any, world: dict[str, Any]
) -> None:
    """AGP-10: with the real (embedded) worker, a queued refresh waits
    REFRESH_DELAY_S, so acceptances meanwhile share it, then runs and stores."""
    app.extensions["celery"].conf.task_always_eager = False
    with app.app_context():
        started = time.monotonic()
        aggregate_cache.schedule(world["regime"], "2026-M03", "SKHCN", NOW)
        time.sleep(aggregate_cache.REFRESH_DELAY_S / 2)
        assert _cache(world).refresh_state == "queued"
        while _cache(world).refresh_state != "idle":
            assert time.monotonic() - started < 30, _cache(world).refresh_state
            time.sleep(0.05)
        assert time.monotonic() - started >= aggregate_cache.REFRESH_DELAY_S
        assert _cache(world).computed_at is not None
