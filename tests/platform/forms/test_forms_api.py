"""Form endpoints of DESIGN.md §8 with real FAB accounts and bearer tokens."""

from __future__ import annotations

import io
from typing import Any

from baocao.platform.models import Form, FormVersion


def upload(api: Any, user: str, data: bytes, name: str = "Biểu 01 KTXH") -> Any:
    return api(
        user, "POST", "/forms",
        data={"file": (io.BytesIO(data), "mau.xlsx"), "name": name},
        content_type="multipart/form-data",
    )


def test_upload_publish_and_read_a_version(api: Any, app: Any, kit: Any) -> None:
    created = upload(api, "SKHCN.thietke", kit.template())
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.json
    assert body["status"] == "draft"
    assert isinstance(body["diagnostics"], list)

    listed = api("SKHCN.thietke", "GET", "/forms").json
    assert [f["id"] for f in listed["items"]] == [body["id"]]
    assert listed["items"][0]["owner_unit"] == "SKHCN"

    first = api("SKHCN.thietke", "POST", f"/forms/{body['id']}/publish")
    assert first.status_code == 200 and first.json == {"version": 1}
    second = api("admin", "POST", f"/forms/{body['id']}/publish")
    assert second.json == {"version": 2}

    got = api("28249.nhaplieu", "GET", f"/forms/{body['id']}/versions/1")
    assert got.status_code == 200
    assert set(got.json) >= {"schema", "layout", "formulas"}
    assert "Biểu 01-KTXH!D9" in got.json["schema"]["properties"]
    assert got.json["formulas"]["order"]
    missing = api("SKHCN.thietke", "GET", f"/forms/{body['id']}/versions/9")
    assert missing.status_code == 404 and missing.json["code"] == "FS002"


def test_a_bad_template_is_refused_with_every_diagnostic(api: Any, app: Any, kit: Any) -> None:
    refused = upload(api, "SKHCN.thietke", kit.bad_template(), name="Hỏng")
    assert refused.status_code == 422
    codes = {d["code"] for d in refused.json["diagnostics"]}
    assert {"FD011", "FD013"} <= codes
    cells = {d["cell"] for d in refused.json["diagnostics"] if d["code"] == "FD011"}
    assert cells == {"C2"}
    with app.app_context():
        assert Form.objects.count() == 0
        assert FormVersion.objects.count() == 0
        from baocao.platform import db

        assert db.get_db()["form_sources.files"].count_documents({}) == 0


def test_only_designers_and_the_system_admin(api: Any, kit: Any) -> None:
    assert upload(api, "28249.nhaplieu", kit.template()).status_code == 403
    assert upload(api, "SKHCN.tonghop", kit.template()).status_code == 403
    assert api("28249.nhaplieu", "GET", "/forms").status_code == 403
    created = upload(api, "admin", kit.template())
    assert created.status_code == 201
    publish = api("28249.nhaplieu", "POST", f"/forms/{created.json['id']}/publish")
    assert publish.status_code == 403


def test_designer_changes_a_cell_then_diff(api: Any, kit: Any) -> None:
    form_id = upload(api, "SKHCN.thietke", kit.template()).json["id"]
    api("SKHCN.thietke", "POST", f"/forms/{form_id}/publish")
    changed = api(
        "SKHCN.thietke", "PUT", f"/forms/{form_id}/cells/Biểu 01-KTXH!D9",
        json={"kind": "integer", "required": True, "minimum": 0, "help": "Số tỷ đồng",
              "indicator": "GRDP_KH"},
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.json["property"]["type"] == "integer"
    bad = api("SKHCN.thietke", "PUT", f"/forms/{form_id}/cells/Biểu 01-KTXH!D9",
              json={"minimum": 10, "maximum": 1})
    assert bad.status_code == 422 and bad.json["cell"] == "Biểu 01-KTXH!D9"
    assert api("SKHCN.thietke", "POST", f"/forms/{form_id}/publish").json == {"version": 2}
    diff = api("SKHCN.thietke", "GET", f"/forms/{form_id}/diff?from=1&to=2").json["changes"]
    assert [c["address"] for c in diff] == ["Biểu 01-KTXH!D9"]
    assert diff[0]["fields"]["kind"] == ["decimal", "integer"]
    assert diff[0]["fields"]["indicator"][1] == "GRDP_KH"
