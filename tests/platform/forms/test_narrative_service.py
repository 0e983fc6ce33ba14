"""The narrative part of a submission: sanitised saves sharing the grid's version,
required sections and word limits checked on submit."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from baocao.platform.models.workflow import Submission
from baocao.platform.services import narrative as service
from baocao.platform.services import workflow as wf
from baocao.platform.workflow.errors import ConflictError, ForbiddenActionError

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ENTRY = SimpleNamespace(
    username="28249.nhaplieu",
    unit_code="28249",
    roles=["nhaplieu"],
    is_authenticated=True,
    is_active=True,
)
OUTLINE = {
    "title": "Thuyết minh",
    "sections": [
        {"title": "Tình hình chung", "required": True, "word_limit": 5},
        {"title": "Kiến nghị", "required": True},
        {"title": "Phụ lục", "level": 2},
    ],
}


def _submission(kit: Any, content: str = "linked") -> str:
    for code, kind, parent in (
        ("82", "province", None),
        ("SKHCN", "department", "82"),
        ("28249", "commune", "82"),
    ):
        kit.make_unit(code, kind, parent)
    form_id = kit.publish_projects(OUTLINE)
    return kit.open_regime(form_id, content)


def _stored(sub_id: str) -> tuple[int, dict[str, Any], dict[str, Any]]:
    sub = Submission.objects.get(pk=sub_id)
    return sub.version, dict(sub.narrative_sections), sub.get_data()


def test_save_sanitises_and_bumps_the_shared_version(app: Any, kit: Any) -> None:
    """NR-01: scripts, handlers and images are removed before storing; headings,
    lists and tables stay; the grid's data and version counter are shared."""
    with app.app_context():
        sub_id = _submission(kit)
        wf.save_data(sub_id, {"Dự án!C4": 5}, 1, ENTRY, now=NOW)
        html = (
            '<h4>Tổng quan</h4><p onclick="x()">Tăng <b>khá</b></p><script>alert(1)'
            "</script><ul><li>Một</li></ul><table><tr><td>1</td></tr></table>"
            '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">liên kết</a>'
        )
        saved, result = service.save_sections(
            sub_id, {"m1": html, "m2": " "}, 2, ENTRY, now=NOW
        )
        stored = saved.narrative_sections["m1"]
        assert saved.version == 3 and "m2" not in saved.narrative_sections
        assert saved.get_data() == {"Dự án!C4": 5}
        for kept in ("<h4>Tổng quan</h4>", "<b>khá</b>", "<li>Một</li>", "<td>1</td>"):
            assert kept in stored
        for gone in ("script", "alert", "onclick", "onerror", "<img", "javascript"):
            assert gone not in stored
        assert result.missing_required == ("m2",)
        assert wf.get_submission(sub_id).history[-1]["action"] == "save"


def test_bad_or_stale_saves_change_nothing(app: Any, kit: Any) -> None:
    """NR-02: a key outside the outline (422), a stale version (409) and a user
    who may not enter data (403) leave the narrative, data and version as they
    were."""
    with app.app_context():
        sub_id = _submission(kit)
        service.save_sections(sub_id, {"m1": "<p>Một hai</p>"}, 1, ENTRY, now=NOW)
        before = _stored(sub_id)
        with pytest.raises(service.NarrativeError) as caught:
            service.save_sections(sub_id, {"m9": "<p>x</p>"}, 2, ENTRY, now=NOW)
        assert caught.value.code == "NR004" and caught.value.http_status == 422
        assert caught.value.message == service.NarrativeCode.NR004.format(key="m9")
        with pytest.raises(ConflictError):
            service.save_sections(sub_id, {"m1": "<p>Cũ</p>"}, 1, ENTRY, now=NOW)
        leader = SimpleNamespace(
            **{**vars(ENTRY), "username": "28249.lanhdao", "roles": ["lanhdao"]}
        )
        with pytest.raises(ForbiddenActionError) as refused:
            service.save_sections(sub_id, {"m1": "<p>Sửa</p>"}, 2, leader, now=NOW)
        assert refused.value.http_status == 403
        assert _stored(sub_id) == before


def test_submit_names_missing_sections_and_word_limits(app: Any, kit: Any) -> None:
    """NR-03: submit is refused naming every empty required section, then a
    section over its word limit; once fixed, it goes through."""
    with app.app_context():
        sub_id = _submission(kit)
        with pytest.raises(service.NarrativeError) as caught:
            wf.act(sub_id, "submit", 1, ENTRY, now=NOW)
        assert caught.value.message == service.NarrativeCode.NR001.format(
            sections="'Tình hình chung', 'Kiến nghị'"
        )
        assert Submission.objects.get(pk=sub_id).state == "draft"
        sections = {"m1": "<p>một hai ba bốn năm sáu</p>", "m2": "<p>Tăng vốn</p>"}
        service.save_sections(sub_id, sections, 1, ENTRY, now=NOW)
        with pytest.raises(service.NarrativeError) as caught:
            wf.act(sub_id, "submit", 2, ENTRY, now=NOW)
        assert caught.value.message == service.NarrativeCode.NR002.format(
            section="Tình hình chung", words=6, limit=5
        )
        service.save_sections(
            sub_id, {**sections, "m1": "<p>Ổn định</p>"}, 2, ENTRY, now=NOW
        )
        assert wf.act(sub_id, "submit", 3, ENTRY, now=NOW).state == "submitted"


def test_numeric_regime_has_no_narrative(app: Any, kit: Any) -> None:
    """NR-04: the outline belongs to narrative and linked regimes only."""
    with app.app_context():
        sub_id = _submission(kit, content="numeric")
        with pytest.raises(service.NarrativeError) as caught:
            service.save_sections(sub_id, {"m1": "<p>x</p>"}, 1, ENTRY, now=NOW)
        assert caught.value.code == "NR003"
        assert wf.act(sub_id, "submit", 1, ENTRY, now=NOW).state == "submitted"
