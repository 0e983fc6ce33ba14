"""Outline-only forms and outline edits through the API (DESIGN.md §8):
``POST /api/v1/forms`` with a JSON body, ``PUT /api/v1/forms/{id}/outline``."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from baocao.platform.models import Form, FormVersion
from baocao.platform.roles import Role
from baocao.platform.services.forms import FormCode
from support import serve

SECTIONS = [
    {"title": "Tình hình chung", "required": True},
    {"title": "Kết quả nổi bật", "level": 2, "guidance": "Nêu số liệu"},
]


def create(api: Any, user: str, body: Any, **kwargs: Any) -> Any:
    if "data" in kwargs:
        return api(user, "POST", "/forms", content_type="application/json", **kwargs)
    return api(user, "POST", "/forms", json=body)


def put_outline(api: Any, user: str, form_id: str, body: Any) -> Any:
    return api(user, "PUT", f"/forms/{form_id}/outline", json=body)


def stored(app: Any, form_id: str) -> tuple[str, Any]:
    with app.app_context():
        form = Form.objects.get(pk=form_id)
        return form.outline_json, form.updated_at


def test_outline_only_form_created_edited_published_and_read(
    api: Any, app: Any
) -> None:
    """OA-01: a JSON body makes an outline-only draft (owner = the designer's
    unit); PUT replaces its sections, keeping keys; publish freezes them and
    the version returns them; a later edit leaves version 1 as it was."""
    created = create(
        api, "SKHCN.thietke", {"name": "Thuyết minh quý", "outline": SECTIONS}
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    form_id = created.json["id"]
    assert created.json == {"id": form_id, "status": "draft", "diagnostics": []}
    listed = {f["id"]: f for f in api("SKHCN.thietke", "GET", "/forms").json["items"]}
    assert listed[form_id]["owner_unit"] == "SKHCN"
    assert listed[form_id]["has_workbook"] is False

    body = {
        "title": "Báo cáo thuyết minh quý",
        "sections": [
            {"key": "m2", "title": "Kết quả nổi bật", "level": 1},
            {"key": "m1", "title": "Tình hình chung", "level": 2, "required": True},
            {"title": "Kiến nghị", "level": 1, "word_limit": 50},
        ],
    }
    saved = put_outline(api, "SKHCN.thietke", form_id, body)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    outline = saved.json["outline"]
    assert [(s["key"], s["title"], s["level"]) for s in outline["sections"]] == [
        ("m2", "Kết quả nổi bật", 1),
        ("m1", "Tình hình chung", 2),
        ("m3", "Kiến nghị", 1),
    ]
    assert outline["sections"][2]["word_limit"] == 50

    assert api("SKHCN.thietke", "POST", f"/forms/{form_id}/publish").json == {
        "version": 1
    }
    version = api("28249.nhaplieu", "GET", f"/forms/{form_id}/versions/1")
    assert version.status_code == 200
    assert version.json["outline"] == outline
    assert version.json["schema"]["properties"] == {}

    cleared = put_outline(api, "admin", form_id, {"sections": []})
    assert cleared.status_code == 200 and cleared.json["outline"] is None
    assert (
        api("SKHCN.thietke", "GET", f"/forms/{form_id}/versions/1").json["outline"]
        == outline
    )
    refused = api("SKHCN.thietke", "POST", f"/forms/{form_id}/publish")
    assert refused.status_code == 422 and refused.json["code"] == "FS018"


def test_outline_of_a_form_with_a_workbook(api: Any, kit: Any) -> None:
    """OA-02: an uploaded form's outline is set the same way and published with it."""
    uploaded = api(
        "SKHCN.thietke",
        "POST",
        "/forms",
        data={"file": (io.BytesIO(kit.template()), "mau.xlsx"), "name": "Biểu 01"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201
    form_id = uploaded.json["id"]
    assert (
        put_outline(api, "SKHCN.thietke", form_id, {"sections": SECTIONS}).status_code
        == 200
    )
    api("SKHCN.thietke", "POST", f"/forms/{form_id}/publish")
    version = api("SKHCN.thietke", "GET", f"/forms/{form_id}/versions/1").json
    assert [s["title"] for s in version["outline"]["sections"]] == [
        "Tình hình chung",
        "Kết quả nổi bật",
    ]
    assert "Biểu 01-KTXH!D9" in version["schema"]["properties"]


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        (
            {"sections": [{"title": "A"}, {"title": "B", "level": 3}]},
            [
                (
                    2,
                    "level",
                    "mục thứ 2 ('B'): cấp 3 ngay sau mục cấp 1; hãy dùng cấp 2 "
                    "hoặc nhỏ hơn",
                )
            ],
        ),
        (
            {"sections": [{"title": ""}, {"title": "B", "word_limit": "50 từ"}]},
            [
                (1, "title", "mục thứ 1: cần tiêu đề là chữ, 1–300 ký tự"),
                (
                    2,
                    "word_limit",
                    "mục thứ 2 ('B'): giới hạn số từ phải là số nguyên "
                    "từ 1 đến 100.000 (hoặc để trống)",
                ),
            ],
        ),
        (
            {"section": [{"title": "A"}]},
            [
                (
                    None,
                    "section",
                    "đề cương không có trường 'section'; chỉ dùng: title, sections",
                ),
                (
                    None,
                    "sections",
                    "thiếu danh sách mục 'sections'; gửi [] nếu muốn xoá hết các mục",
                ),
            ],
        ),
        (
            [{"title": "A"}],
            [
                (
                    None,
                    "",
                    'dữ liệu đề cương phải là một đối tượng JSON {"title": '
                    '"Tên đề cương", "sections": [các mục]}',
                )
            ],
        ),
    ],
    ids=["level-jump", "two-sections-wrong", "misspelt-field", "not-an-object"],
)
def test_bad_outline_is_refused_and_nothing_changes(
    api: Any, app: Any, body: Any, problems: list[tuple[Any, str, str]]
) -> None:
    """OA-03: 422 FS016 lists every problem with its section and field, and the
    stored outline stays as it was."""
    form_id = create(
        api, "SKHCN.thietke", {"name": "Đề cương", "outline": SECTIONS}
    ).json["id"]
    before = stored(app, form_id)
    refused = put_outline(api, "SKHCN.thietke", form_id, body)
    assert refused.status_code == 422
    assert refused.json["code"] == "FS016"
    assert refused.json["message"] == FormCode.FS016.format(
        problems="; ".join(p[2] for p in problems)
    )
    placed = [
        (p["section"], p["field"], p["message"]) for p in refused.json["problems"]
    ]
    assert placed == problems
    assert set(refused.json) == {"code", "message", "problems"}
    assert stored(app, form_id) == before


def test_unparsable_json_is_refused(api: Any, app: Any) -> None:
    """OA-04: a body that is not JSON is refused like a wrong shape (FS016 for
    the outline, FS019 for a new form), and nothing is stored or changed."""
    form_id = create(
        api, "SKHCN.thietke", {"name": "Đề cương", "outline": SECTIONS}
    ).json["id"]
    before = stored(app, form_id)
    refused = api(
        "SKHCN.thietke",
        "PUT",
        f"/forms/{form_id}/outline",
        data='{"sections": [',
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json["code"] == "FS016"
    assert stored(app, form_id) == before
    refused = create(api, "SKHCN.thietke", None, data='{"name": ')
    assert refused.status_code == 422
    assert refused.json["message"] == FormCode.FS019.format(
        problem="nội dung gửi lên không phải một đối tượng JSON"
    )
    with app.app_context():
        assert Form.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"name": "  ", "outline": SECTIONS}, "FS005", FormCode.FS005.format()),
        ({"outline": SECTIONS}, "FS005", FormCode.FS005.format()),
        (
            {"name": "Đề cương", "outline": [{"title": "A", "level": 2}]},
            "FS016",
            FormCode.FS016.format(
                problems="mục thứ 1 ('A'): cấp 2 ngay sau mục cấp 0; hãy dùng cấp 1 "
                "hoặc nhỏ hơn"
            ),
        ),
        (
            {"name": "Đề cương", "outline": "Tình hình chung"},
            "FS019",
            FormCode.FS019.format(
                problem="'outline' phải là danh sách các mục [{...}, {...}]"
            ),
        ),
        (
            {"name": "Đề cương", "sections": SECTIONS},
            "FS019",
            FormCode.FS019.format(
                problem="không có trường 'sections'; chỉ dùng: name, outline"
            ),
        ),
        (
            ["Đề cương"],
            "FS019",
            FormCode.FS019.format(
                problem="nội dung gửi lên không phải một đối tượng JSON"
            ),
        ),
    ],
    ids=[
        "blank-name",
        "no-name",
        "bad-section",
        "outline-not-a-list",
        "unknown-field",
        "not-an-object",
    ],
)
def test_bad_new_outline_form_stores_nothing(
    api: Any, app: Any, body: Any, code: str, message: str
) -> None:
    """OA-05: a refused JSON create answers 422 with the coded message and
    stores no form."""
    refused = create(api, "SKHCN.thietke", body)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert (refused.json["code"], refused.json["message"]) == (code, message)
    with app.app_context():
        assert Form.objects.count() == 0


def test_only_designers_and_unknown_forms(api: Any, app: Any) -> None:
    """OA-06: the JSON create and the outline edit are for designers and the
    system admin (403 otherwise, nothing changed); an unknown form is 404."""
    body = {"name": "Đề cương", "outline": SECTIONS}
    for user in ("28249.nhaplieu", "SKHCN.tonghop"):
        assert create(api, user, body).status_code == 403
    with app.app_context():
        assert Form.objects.count() == 0
    by_admin = create(api, "admin", body)
    assert by_admin.status_code == 201
    form_id = by_admin.json["id"]
    before = stored(app, form_id)
    refused = put_outline(api, "28249.nhaplieu", form_id, {"sections": []})
    assert refused.status_code == 403
    assert stored(app, form_id) == before
    missing = put_outline(
        api, "SKHCN.thietke", "0123456789abcdef01234567", {"sections": []}
    )
    assert missing.status_code == 404 and missing.json["code"] == "FS001"


def test_multipart_upload_is_unchanged(api: Any, app: Any) -> None:
    """OA-07: without a JSON body the endpoint is the upload it always was: a
    missing file is 400, not an outline-only form."""
    missing = api(
        "SKHCN.thietke",
        "POST",
        "/forms",
        data={"name": "Biểu"},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 400
    assert missing.json["message"] == "Thiếu tệp mẫu (trường 'file', định dạng .xlsx)."
    with app.app_context():
        assert Form.objects.count() == 0


def test_openapi_describes_the_outline_endpoints(
    client: Any, make_user: Any, auth: Any
) -> None:
    """OA-08: the spec FAB builds from the docstrings has the JSON create, the
    outline PUT and the section schema they name."""
    make_user("admin", Role.SYSADMIN)
    auth.login("admin")
    spec = client.get("/api/v1/_openapi").json
    post = spec["paths"]["/api/v1/forms"]["post"]
    assert set(post["requestBody"]["content"]) == {
        "multipart/form-data",
        "application/json",
    }
    put = spec["paths"]["/api/v1/forms/{form_id}/outline"]["put"]
    assert set(put["responses"]) >= {"200", "403", "404", "422"}
    section = spec["components"]["schemas"]["OutlineSection"]
    assert set(section["properties"]) == {
        "key",
        "title",
        "level",
        "guidance",
        "required",
        "word_limit",
    }


def test_over_real_http(app: Any, api: Any, password: str) -> None:
    """OA-09: as a client would: log in, create, set sections, publish, read,
    through the embedded server."""
    del api  # units and accounts

    def call(method: str, path: str, body: Any, token: str = "") -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as err:
            with err:
                return err.code, json.load(err)

    with serve(app) as url:
        _, login = call(
            "POST",
            "/api/v1/security/login",
            {"username": "SKHCN.thietke", "password": password, "provider": "db"},
        )
        token = login["access_token"]
        status, created = call(
            "POST", "/api/v1/forms", {"name": "Thuyết minh", "outline": []}, token
        )
        assert status == 201 and created["status"] == "draft"
        form_id = created["id"]
        status, refused = call("POST", f"/api/v1/forms/{form_id}/publish", None, token)
        assert status == 422 and refused["code"] == "FS018"
        status, saved = call(
            "PUT", f"/api/v1/forms/{form_id}/outline", {"sections": SECTIONS}, token
        )
        assert status == 200 and len(saved["outline"]["sections"]) == 2
        status, bad = call(
            "PUT",
            f"/api/v1/forms/{form_id}/outline",
            {"sections": [{"title": "X", "level": 4}]},
            token,
        )
        assert status == 422 and bad["problems"][0]["field"] == "level"
        assert call("POST", f"/api/v1/forms/{form_id}/publish", None, token) == (
            200,
            {"version": 1},
        )
        status, version = call(
            "GET", f"/api/v1/forms/{form_id}/versions/1", None, token
        )
        assert status == 200 and version["outline"] == saved["outline"]
    with app.app_context():
        assert FormVersion.objects(form_id=form_id).count() == 1
