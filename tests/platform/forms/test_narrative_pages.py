"""The narrative part of the submission page and its JSON save endpoint."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
OUTLINE = {
    "title": "Thuyết minh",
    "sections": [{"title": "Tình hình chung", "required": True, "word_limit": 50}],
}


def _open(app: Any, make_user: Any, kit: Any, content: str) -> str:
    with app.app_context():
        for code, kind, parent in (
            ("82", "province", None),
            ("SKHCN", "department", "82"),
            ("28249", "commune", "82"),
        ):
            kit.make_unit(code, kind, parent)
        make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
        make_user("28249.lanhdao", Role.APPROVER, "28249")
        form_id = kit.publish_projects(OUTLINE)
        return kit.open_regime(form_id, content)


@pytest.mark.parametrize(
    ("content", "grid"),
    [("linked", True), ("narrative", False)],
    ids=["linked-grid-and-text", "narrative-text-only"],
)
def test_page_shows_the_parts_of_the_content(
    app: Any, client: Any, auth: Any, make_user: Any, kit: Any, content: str, grid: bool
) -> None:
    """NR-P01: a linked report shows the grid and the editors, a narrative one
    only the editors; a reader who may not edit sees the sanitised text."""
    sub_id = _open(app, make_user, kit, content)
    auth.login("28249.nhaplieu")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert ('id="data-form"' in page) is grid
    assert 'class="bc-nar-editor"' in page and "baocao-narrative.js" in page
    assert "Tình hình chung" in page and "0 từ / tối đa 50" in page
    auth.logout()
    auth.login("28249.lanhdao")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert 'class="bc-nar-editor"' not in page and 'class="bc-narrative-doc"' in page


def test_save_endpoint_answers_like_the_grid_autosave(
    app: Any, client: Any, auth: Any, make_user: Any, kit: Any
) -> None:
    """NR-P02: 400 without CSRF or with a bad body, 200 with the new version and
    counts, 409 naming the last saver on a stale version (nothing overwritten),
    422 for a section outside the outline."""
    sub_id = _open(app, make_user, kit, "linked")
    auth.login("28249.nhaplieu")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    token = re.search(r'id="narrative-csrf" value="([^"]+)"', page).group(1)
    url = f"/de-cuong/{sub_id}/luu"
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    body = {"sections": {"m1": "<p>Tăng <script>x()</script>trưởng</p>"}, "version": 1}
    assert client.post(url, json=body).status_code == 400
    assert (
        client.post(
            url, json={"sections": [], "version": 1}, headers=headers
        ).status_code
        == 400
    )
    ok = client.post(url, json=body, headers=headers)
    assert ok.status_code == 200, ok.json
    assert ok.json == {"version": 2, "words": {"m1": 2}, "total": 2, "missing": []}
    stale = client.post(
        url, json={"sections": {"m1": "<p>cũ</p>"}, "version": 1}, headers=headers
    )
    assert (
        stale.status_code == 409
        and stale.json["last_save"]["actor"] == "28249.nhaplieu"
    )
    bad = client.post(
        url, json={"sections": {"m7": "x"}, "version": 2}, headers=headers
    )
    assert bad.status_code == 422 and bad.json["code"] == "NR004"
    with app.app_context():
        sub = Submission.objects.get(pk=sub_id)
        assert sub.version == 2 and sub.narrative_sections == {
            "m1": "<p>Tăng trưởng</p>"
        }


def test_refused_submit_returns_to_the_page_with_the_message(
    app: Any, client: Any, auth: Any, make_user: Any, kit: Any
) -> None:
    """Issue #5 item 1: "Trình" with a required section over its word limit goes
    back to the submission page (303) with the NR002 message shown, the report
    and its text unchanged; a JSON caller still gets the 422 error."""
    from baocao.platform.services.narrative import NarrativeCode

    sub_id = _open(app, make_user, kit, "narrative")
    auth.login("28249.nhaplieu")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    token = re.search(r'id="narrative-csrf" value="([^"]+)"', page).group(1)
    long_text = "<p>" + " ".join(["chữ"] * 51) + "</p>"
    saved = client.post(
        f"/de-cuong/{sub_id}/luu",
        json={"sections": {"m1": long_text}, "version": 1},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert saved.status_code == 200, saved.json
    url = f"/bao-cao/{sub_id}/thao-tac/submit"
    refused = client.post(url, data={"csrf_token": token, "version": "2"})
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/bao-cao/{sub_id}")
    back = client.get(refused.headers["Location"]).get_data(as_text=True)
    message = NarrativeCode.NR002.format(section="Tình hình chung", words=51, limit=50)
    assert f"NR002: {message}" in back.replace("&#39;", "'")
    assert 'id="action-submit"' in back
    as_json = client.post(
        url,
        data={"csrf_token": token, "version": "2"},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 422 and as_json.json["code"] == "NR002"
    with app.app_context():
        sub = Submission.objects.get(pk=sub_id)
        assert (sub.state, sub.version) == ("draft", 2)
        assert sub.narrative_sections == {"m1": long_text}


def test_english_page_gives_the_editor_and_the_reader_english_words(
    app: Any, client: Any, auth: Any, make_user: Any, kit: Any
) -> None:
    """NR-P04: after ``/lang/en`` the editor's script gets its words in English
    (``#bc-i18n-narrative``) and the reader's sanitised text counts "words"."""
    sub_id = _open(app, make_user, kit, "narrative")
    auth.login("28249.nhaplieu")
    client.get("/lang/en")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    found = re.search(
        r'<script type="application/json" id="bc-i18n-narrative">(.*?)</script>', page
    )
    assert found
    strings = json.loads(found.group(1))
    assert strings["saved"] == "Narrative saved at" and strings["words"] == "words"
    auth.logout()
    auth.login("28249.lanhdao")
    client.get("/lang/en")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert '<p class="bc-wordcount bc-total">Total words: 0</p>' in page
    assert "Tổng số từ" not in page
