"""Repeat groups, narrative sections and outlines marked in the designer page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.form_designer import Code
from baocao.platform.models import Form
from baocao.platform.services import form_marks as marks
from baocao.platform.services import forms as service

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
GROUP = {
    "name": "du_an",
    "sheet": "Dự án",
    "first_row": 4,
    "last_row": 6,
    "min_rows": 1,
    "max_rows": 3,
}
OUTLINE = {
    "title": "Báo cáo thuyết minh",
    "sections": [
        {
            "title": "Tình hình chung",
            "level": 1,
            "guidance": "Nêu bối cảnh.",
            "required": True,
            "word_limit": "500",
        },
        {"title": "Kết quả", "level": 2, "required": False, "word_limit": ""},
        {"title": "Kiến nghị", "level": 1, "required": True},
    ],
}


def _form(kit: Any) -> str:
    form, _ = service.upload_form(
        kit.projects_template(),
        name="Dự án",
        owner_unit="SKHCN",
        actor="SKHCN.thietke",
        now=NOW,
    )
    return str(form.pk)


def _stored(form_id: str) -> tuple[str, str, str, str]:
    form = Form.objects.get(pk=form_id)
    return form.base_json, form.repeats_json, form.overrides_json, form.outline_json


def test_repeat_mark_recompiles_like_a_defined_name(app: Any, kit: Any) -> None:
    """FM-01: a marked group becomes an array property with min/max rows, its
    total formula widens with it, and unmarking restores the compiler's output."""
    with app.app_context():
        form_id = _form(kit)
        before = Form.objects.get(pk=form_id).base_json
        docs = marks.mark_repeat(form_id, GROUP, now=NOW)
        group = docs["schema"]["properties"]["du_an"]
        assert group["type"] == "array" and group["x-first-row"] == 4
        assert (group["minItems"], group["maxItems"]) == (1, 3)
        assert set(group["items"]["properties"]) == {"B", "C"}
        assert "Dự án!B4" not in docs["schema"]["properties"]
        assert docs["formulas"]["cells"]["Dự án!C7"]["x-expands"] == ["du_an"]
        assert docs["layout"]["sheets"][0]["repeats"][0]["name"] == "du_an"
        assert service.draft_documents(service.get_form(form_id)) == docs
        marks.unmark_repeat(form_id, "du_an", now=NOW)
        assert Form.objects.get(pk=form_id).base_json == before


@pytest.mark.parametrize(
    ("change", "code", "fields"),
    [
        ({"name": "dự án"}, "FS007", {"value": "dự án"}),
        (
            {"first_row": 6, "last_row": 4},
            "FS008",
            {"value": "6–4", "sheet": "Dự án", "max_row": 13},
        ),
        ({"max_rows": 10}, "FS009", None),
        ({"first_row": 4, "last_row": 7}, "FS011", None),
        ({"first_row": 3, "last_row": 4, "max_rows": ""}, "FS011", None),
        ({"first_row": 12, "last_row": 13, "max_rows": ""}, "FS011", None),
    ],
    ids=[
        "name-with-accents",
        "rows-reversed",
        "more-rows-than-template",
        "total-row-inside",
        "header-row-inside",
        "no-inputs-half-merge",
    ],
)
def test_impossible_repeat_marks_change_nothing(
    app: Any, kit: Any, change: dict[str, Any], code: str, fields: dict[str, Any] | None
) -> None:
    """FM-02: every impossible mark is refused with its code and a Vietnamese
    message; the stored form is byte for byte what it was."""
    with app.app_context():
        form_id = _form(kit)
        stored = _stored(form_id)
        with pytest.raises(service.FormOverrideError) as caught:
            marks.mark_repeat(form_id, {**GROUP, **change}, now=NOW)
        assert caught.value.code == code and caught.value.http_status == 422
        if fields:
            assert caught.value.message == getattr(service.FormCode, code).format(
                **fields
            )
        assert _stored(form_id) == stored


def test_compiler_messages_name_the_rule(app: Any, kit: Any) -> None:
    """FM-03: a total row inside the group, an overlap and a half-covered merge
    are refused with the compiler's own diagnostics (FD028, FD024, FD027)."""
    with app.app_context():
        form_id = _form(kit)
        with pytest.raises(service.FormOverrideError) as caught:
            marks.mark_repeat(
                form_id, {**GROUP, "last_row": 7, "max_rows": ""}, now=NOW
            )
        no_inputs = Code.FD026.format(sheet="Dự án", value="du_an", rows="7")
        reads_rows = Code.FD028.format(
            sheet="Dự án", cell="C7", value="du_an", other="C4"
        )
        assert caught.value.message == f"Không đánh dấu được: {no_inputs} {reads_rows}"
        marks.mark_repeat(form_id, {**GROUP, "last_row": 5, "max_rows": 2}, now=NOW)
        with pytest.raises(service.FormOverrideError) as caught:
            marks.mark_repeat(
                form_id,
                {**GROUP, "name": "khac", "first_row": 5, "max_rows": ""},
                now=NOW,
            )
        overlap = Code.FD024.format(
            sheet="Dự án", value="khac", rows="5–6", other="du_an (dòng 4–5)"
        )
        assert caught.value.message == f"Không đánh dấu được: {overlap}"
        with pytest.raises(service.FormOverrideError) as caught:
            marks.unmark_repeat(form_id, "khac", now=NOW)
        assert caught.value.code == "FS013"


def test_overridden_cells_block_a_group(app: Any, kit: Any) -> None:
    """FM-04: a cell the designer changed inside the rows must be reset first."""
    with app.app_context():
        form_id = _form(kit)
        service.set_override(
            form_id, "Dự án!C5", {"role": "input", "kind": "integer"}, now=NOW
        )
        stored = _stored(form_id)
        with pytest.raises(service.FormOverrideError) as caught:
            marks.mark_repeat(form_id, GROUP, now=NOW)
        assert caught.value.message == service.FormCode.FS010.format(
            cells="Dự án!C5", rows="4–6"
        )
        assert _stored(form_id) == stored


def test_narrative_mark_has_a_title_and_respects_merges(app: Any, kit: Any) -> None:
    """FM-05: the top-left cell of a merged block becomes a titled rich-text
    field; a cell inside the block or a blank title is refused, nothing kept."""
    with app.app_context():
        form_id = _form(kit)
        docs = marks.mark_narrative(form_id, "Dự án!A10", "Đánh giá chung", now=NOW)
        prop = docs["schema"]["properties"]["Dự án!A10"]
        assert prop["x-kind"] == "narrative" and prop["title"] == "Đánh giá chung"
        assert prop["contentMediaType"] == "text/html"
        stored = _stored(form_id)
        with pytest.raises(service.FormOverrideError) as caught:
            marks.mark_narrative(form_id, "Dự án!B11", "Khác", now=NOW)
        assert caught.value.message == service.FormCode.FS015.format(
            address="Dự án!B11", merge="A10:D13", anchor="Dự án!A10"
        )
        with pytest.raises(service.FormOverrideError) as caught:
            marks.mark_narrative(form_id, "Dự án!A9", "  ", now=NOW)
        assert caught.value.code == "FS014"
        with pytest.raises(service.FormOverrideError):
            marks.mark_narrative(form_id, "Dự án!C7", "Tổng", now=NOW)
        assert _stored(form_id) == stored


def test_outline_is_kept_per_version_and_diffed(app: Any, kit: Any) -> None:
    """FM-06: the outline gets stable keys, is snapshotted by publish (later
    edits do not touch version 1) and the two versions' outlines are compared."""
    with app.app_context():
        form_id = _form(kit)
        outline = marks.set_outline(form_id, OUTLINE, now=NOW)
        assert [s["key"] for s in outline["sections"]] == ["m1", "m2", "m3"]
        assert outline["sections"][0]["word_limit"] == 500
        assert outline["sections"][1]["word_limit"] is None
        service.publish(form_id, actor="SKHCN.thietke", now=NOW)
        edited = {
            "title": OUTLINE["title"],
            "sections": [
                {**outline["sections"][2], "required": False},
                {**outline["sections"][0], "title": "Bối cảnh"},
                {"title": "Phụ lục", "level": 1},
            ],
        }
        marks.set_outline(form_id, edited, now=NOW)
        service.publish(form_id, actor="SKHCN.thietke", now=NOW)
        assert service.load_outline(form_id, 1) == outline
        assert [s["key"] for s in service.load_outline(form_id, 2)["sections"]] == [
            "m3",
            "m1",
            "m4",
        ]
        changes = {c["key"]: c for c in service.diff_outline_versions(form_id, 1, 2)}
        assert (
            changes["m2"]["change"] == "removed" and changes["m4"]["change"] == "added"
        )
        assert changes["m1"]["fields"]["title"] == ["Tình hình chung", "Bối cảnh"]
        assert changes["m3"]["fields"]["required"] == [True, False]


@pytest.mark.parametrize(
    ("sections", "problem"),
    [
        ([{"title": ""}], "mục thứ 1: cần tiêu đề là chữ, 1–300 ký tự"),
        (
            [{"title": "A", "level": 1}, {"title": "B", "level": 3}],
            "mục thứ 2 ('B'): cấp 3 ngay sau mục cấp 1; hãy dùng cấp 2 hoặc nhỏ hơn",
        ),
        (
            [{"title": "A", "word_limit": "nhiều"}],
            "mục thứ 1 ('A'): giới hạn số từ phải là số nguyên từ 1 đến 100.000 "
            "(hoặc để trống)",
        ),
        (
            [{"title": "A", "word_limit": 1.5}],
            "mục thứ 1 ('A'): giới hạn số từ phải là số nguyên từ 1 đến 100.000 "
            "(hoặc để trống)",
        ),
        (
            [{"title": "A", "level": 9}],
            "mục thứ 1 ('A'): cấp phải là số nguyên từ 1 đến 4",
        ),
        (
            [{"title": "A", "required": "false"}],
            "mục thứ 1 ('A'): 'bắt buộc' phải là true hoặc false",
        ),
        (
            [{"title": "A", "word_limt": 50}],
            "mục thứ 1 ('A'): không có trường 'word_limt'; chỉ dùng: key, title, "
            "level, guidance, required, word_limit",
        ),
        (
            ["Tình hình chung"],
            'mục thứ 1: phải là một đối tượng JSON, ví dụ {"title": "Tình hình chung", '
            '"level": 1}',
        ),
    ],
    ids=[
        "no-title",
        "level-jump",
        "bad-word-limit",
        "fractional-word-limit",
        "bad-level",
        "required-not-boolean",
        "unknown-field",
        "not-an-object",
    ],
)
def test_bad_outline_keeps_the_stored_one(
    app: Any, kit: Any, sections: list[dict[str, Any]], problem: str
) -> None:
    """FM-07: a bad outline is refused naming the section (position and title)
    and the field; the old one stays."""
    with app.app_context():
        form_id = _form(kit)
        marks.set_outline(form_id, OUTLINE, now=NOW)
        stored = _stored(form_id)
        with pytest.raises(service.FormOverrideError) as caught:
            marks.set_outline(form_id, {"title": "x", "sections": sections}, now=NOW)
        assert caught.value.message == service.FormCode.FS016.format(problems=problem)
        assert _stored(form_id) == stored


def test_diagnostics_are_placed_at_cells() -> None:
    """FM-08: a diagnostic about a cell is shown at it, one about a range
    (FD007 used range trimmed) at the range's first cell; others only listed."""
    from baocao.platform.views.forms import diagnostics_by_cell

    trimmed = {"code": "FD007", "sheet": "Biểu", "cell": "A1:H40"}
    at_cell = {"code": "FD021", "sheet": "Biểu", "cell": "D9"}
    general = {"code": "FD022", "sheet": "", "cell": ""}
    assert diagnostics_by_cell([trimmed, at_cell, general]) == {
        "Biểu!A1": [trimmed],
        "Biểu!D9": [at_cell],
    }


def test_outline_problems_are_placed_by_section_and_field(app: Any, kit: Any) -> None:
    """FM-09: every problem is listed with its section position and JSON field
    (for API clients), and an outline without ``sections`` clears nothing."""
    with app.app_context():
        form_id = _form(kit)
        marks.set_outline(form_id, OUTLINE, now=NOW)
        stored = _stored(form_id)
        sections = [{"title": "A"}, {"title": "B", "level": 3, "required": 1}]
        with pytest.raises(marks.OutlineError) as caught:
            marks.set_outline(form_id, {"sections": sections}, now=NOW)
        assert [(p["section"], p["field"]) for p in caught.value.problems] == [
            (2, "level"),
            (2, "required"),
        ]
        assert caught.value.to_dict()["problems"][0]["message"] == (
            "mục thứ 2 ('B'): cấp 3 ngay sau mục cấp 1; hãy dùng cấp 2 hoặc nhỏ hơn"
        )
        with pytest.raises(marks.OutlineError) as caught:
            marks.set_outline(form_id, {"title": "Đề cương"}, now=NOW)
        assert caught.value.message == service.FormCode.FS016.format(
            problems="thiếu danh sách mục 'sections'; gửi [] nếu muốn xoá hết các mục"
        )
        assert _stored(form_id) == stored


def test_word_limits_and_levels_as_text_or_numbers(app: Any, kit: Any) -> None:
    """FM-10: the page posts text ("1.000" with Vietnamese grouping, "" for none),
    the API numbers; both give the same stored section."""
    with app.app_context():
        form_id = _form(kit)
        page = {"sections": [{"title": "A", "level": "1", "word_limit": "1.000"},
                             {"title": "B", "level": 2, "word_limit": ""}]}
        api = {"sections": [{"title": "A", "level": 1, "word_limit": 1000},
                            {"title": "B", "level": 2.0, "word_limit": None}]}
        assert marks.set_outline(form_id, page, now=NOW) == marks.set_outline(
            form_id, api, now=NOW
        )
        limits = [s["word_limit"] for s in marks.check_outline(api)["sections"]]
        assert limits == [1000, None]
