"""Forms that are an outline only, and narrative reports as files: created,
published, used in a narrative regime, submitted, exported (PDF, CSV) and
signed in the chain with the real rendered PDF (issue #4 items 1, 3, 6, 7)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from baocao.platform.models import Form, FormVersion, SignedDocument
from baocao.platform.models.workflow import Regime
from baocao.platform.roles import Role
from baocao.platform.services import (
    aggregate_exports,
    form_marks,
    forms,
    signatures,
)
from baocao.platform.services import narrative as narrative_service
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_signing as signing
from baocao.platform.services.forms_outline_only import create_outline_form
from baocao.platform.services.submission_export import ExportError, export_submission
from baocao.platform.services.workflow_config import get_regime
from baocao.platform.workflow.errors import RegimeIncompleteError
from markupsafe import escape
from signing_support import PASSPHRASE, pki
from support import require

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ENTRY = SimpleNamespace(
    username="28249.nhaplieu",
    unit_code="28249",
    roles=["nhaplieu"],
    is_authenticated=True,
    is_active=True,
)
LEADER = SimpleNamespace(
    **{**vars(ENTRY), "username": "28249.lanhdao", "roles": ["lanhdao"]}
)
OUTLINE = {
    "title": "Báo cáo thuyết minh quý",
    "sections": [
        {"title": "Tình hình chung", "required": True},
        {"title": "Kết quả nổi bật", "level": 2, "guidance": "Nêu số liệu"},
        {"title": "Kiến nghị, đề xuất", "required": True, "word_limit": 50},
    ],
}
TEXT = {
    "m1": "<p>Kinh tế <b>tăng trưởng ổn định</b>; an sinh xã hội được bảo đảm.</p>"
    "<ul><li>Thu ngân sách đạt 52%</li><li>Giải ngân vốn đầu tư công</li></ul>",
    "m2": "<ol><li>Hoàn thành đường liên ấp</li><li>Xóa 12 nhà tạm</li></ol>",
    "m3": "<p>=Đề nghị tỉnh bổ sung kinh phí sửa chữa trường học.</p>",
}


def _units(kit: Any) -> None:
    for code, kind, parent in (
        ("82", "province", None),
        ("SKHCN", "department", "82"),
        ("28249", "commune", "82"),
    ):
        kit.make_unit(code, kind, parent)


def _outline_form() -> str:
    form = create_outline_form(
        name="Thuyết minh quý", owner_unit="SKHCN", actor="SKHCN.thietke", now=NOW
    )
    return str(form.pk)


def _narrative_submission(kit: Any) -> str:
    _units(kit)
    form_id = _outline_form()
    form_marks.set_outline(form_id, OUTLINE, now=NOW)
    forms.publish(form_id, actor="SKHCN.thietke", now=NOW)
    return kit.open_regime(form_id, "narrative")


def _export(sub_id: str, fmt: str) -> Any:
    sub = wf.get_submission(sub_id)
    return export_submission(
        sub,
        get_regime(sub.regime_id),
        fmt,
        load_compiled=forms.load_compiled,
        load_source=forms.load_source,
        now=NOW,
    )


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())


def test_outline_only_form_is_published_versioned_and_diffable(
    app: Any, kit: Any
) -> None:
    """OO-01: made without a workbook; publishing it without a section is
    refused (FS018) and stores nothing; with sections it publishes versions
    1 and 2, frozen, and the outline diff names the changed section."""
    with app.app_context():
        _units(kit)
        form_id = _outline_form()
        form = forms.get_form(form_id)
        assert not form.has_workbook and form.base()["layout"]["sheets"] == []
        with pytest.raises(forms.FormStoreError) as caught:
            forms.publish(form_id, actor="SKHCN.thietke", now=NOW)
        assert caught.value.code == "FS018"
        assert caught.value.message == forms.FormCode.FS018.format(
            name="Thuyết minh quý"
        )
        assert FormVersion.objects(form_id=form_id).count() == 0
        form_marks.set_outline(form_id, OUTLINE, now=NOW)
        first = forms.publish(form_id, actor="SKHCN.thietke", now=NOW)
        changed = {**OUTLINE, "sections": [dict(s) for s in OUTLINE["sections"]]}
        changed["sections"][1] = {
            **changed["sections"][1],
            "key": "m2",
            "title": "Kết quả",
        }
        changed["sections"][0]["key"], changed["sections"][2]["key"] = "m1", "m3"
        form_marks.set_outline(form_id, changed, now=NOW)
        second = forms.publish(form_id, actor="SKHCN.thietke", now=NOW)
        assert (first.n, second.n) == (1, 2) and not second.has_workbook
        assert (
            forms.load_outline(form_id, 1)["sections"][1]["title"] == "Kết quả nổi bật"
        )
        diff = forms.diff_outline_versions(form_id, 1, 2)
        assert [(d["key"], d["fields"]) for d in diff] == [
            ("m2", {"title": ["Kết quả nổi bật", "Kết quả"]})
        ]
        assert forms.diff_versions(form_id, 1, 2) == []
        compiled = forms.load_compiled(form_id, 2)
        assert compiled.layout["sheets"] == [] and compiled.schema["properties"] == {}


def test_grid_and_workbook_requests_say_there_is_no_workbook(
    app: Any, kit: Any
) -> None:
    """OO-02: a cell change, a repeat mark and the .xlsx source of an
    outline-only form are refused with FS017 (409), not a crash."""
    with app.app_context():
        _units(kit)
        form_id = _outline_form()
        form_marks.set_outline(form_id, OUTLINE, now=NOW)
        forms.publish(form_id, actor="SKHCN.thietke", now=NOW)
        calls = (
            (forms.set_override, (form_id, "Biểu!B2", {"role": "input"}), "sửa ô"),
            (
                form_marks.mark_repeat,
                (
                    form_id,
                    {"name": "x", "sheet": "Biểu", "first_row": 1, "last_row": 2},
                ),
                "đánh dấu nhóm dòng lặp",
            ),
            (forms.load_source, (form_id, 1), "tải về dạng .xlsx"),
        )
        for call, args, what in calls:
            kwargs = {} if call is forms.load_source else {"now": NOW}
            with pytest.raises(forms.NoWorkbookError) as caught:
                call(*args, **kwargs)
            assert caught.value.http_status == 409
            assert caught.value.message == forms.FormCode.FS017.format(
                name="Thuyết minh quý", what=what
            )
        assert Form.objects.get(pk=form_id).overrides_json == "{}"


def test_narrative_regime_submits_and_exports_pdf_and_csv(
    app: Any, kit: Any, tmp_path: Path
) -> None:
    """OO-03: a narrative regime on an outline-only form: the unit writes and
    submits; the PDF has the header, numbered headings and text, lists and the
    signature block; the CSV has one line per section; the .xlsx says XF003."""
    with app.app_context():
        sub_id = _narrative_submission(kit)
        narrative_service.save_sections(sub_id, TEXT, 1, ENTRY, now=NOW)
        assert wf.act(sub_id, "submit", 2, ENTRY, now=NOW).state == "submitted"
        pdf = _export(sub_id, "pdf")
        assert pdf.mimetype == "application/pdf" and pdf.filename.endswith(".pdf")
        text = _pdftotext(pdf.data, tmp_path)
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "BÁO CÁO DỰ ÁN THÁNG — KỲ 2026-M03",
            "BÁO CÁO THUYẾT MINH QUÝ",
            "I. Tình hình chung",
            "Kinh tế tăng trưởng ổn định; an sinh xã hội được bảo đảm.",
            "• Thu ngân sách đạt 52%",
            "1. Kết quả nổi bật",
            "1. Hoàn thành đường liên ấp 2. Xóa 12 nhà tạm",
            "II. Kiến nghị, đề xuất",
            "THỦ TRƯỞNG ĐƠN VỊ",
        ):
            assert expected in text, expected
        rows = list(csv.reader(io.StringIO(_export(sub_id, "csv").data.decode())))
        assert rows[1:] == [
            [
                "Đề cương",
                "m1",
                "",
                "Tình hình chung",
                "Kinh tế tăng trưởng ổn định; an sinh xã hội được bảo đảm. "
                "Thu ngân sách đạt 52% Giải ngân vốn đầu tư công",
            ],
            [
                "Đề cương",
                "m2",
                "",
                "Kết quả nổi bật",
                "Hoàn thành đường liên ấp Xóa 12 nhà tạm",
            ],
            [
                "Đề cương",
                "m3",
                "",
                "Kiến nghị, đề xuất",
                "'=Đề nghị tỉnh bổ sung kinh phí sửa chữa trường học.",
            ],
        ]
        with pytest.raises(ExportError) as caught:
            _export(sub_id, "xlsx")
        assert caught.value.code == "XF003"


def test_linked_regime_csv_and_pdf_have_grid_then_sections(
    app: Any, kit: Any, tmp_path: Path
) -> None:
    """OO-04: a linked regime on a workbook form with an outline: the CSV has
    the cells, then the sections; the PDF prints the table, then the text."""
    with app.app_context():
        _units(kit)
        form_id = kit.publish_projects(OUTLINE)
        sub_id = kit.open_regime(form_id, "linked")
        wf.save_data(
            sub_id, {"Dự án!B4": "Trường Lê Lợi", "Dự án!C4": 5}, 1, ENTRY, now=NOW
        )
        narrative_service.save_sections(sub_id, TEXT, 2, ENTRY, now=NOW)
        rows = list(csv.reader(io.StringIO(_export(sub_id, "csv").data.decode())))
        sheets = [row[0] for row in rows[1:]]
        assert sheets[0].endswith("Dự án") and sheets[-3:] == ["Đề cương"] * 3
        assert "Dự án" not in sheets[-3:]
        text = _pdftotext(_export(sub_id, "pdf").data, tmp_path)
        assert text.index("Tổng cộng") < text.index("I. Tình hình chung")


def test_narrative_regime_is_signed_with_its_rendered_pdf(app: Any, kit: Any) -> None:
    """OO-05: the signing step renders the narrative-only PDF (no XF002),
    binds the data, signs with the leader's PKCS#12 and takes ``sign``; the
    "PDF để ký" for a USB token renders too; the report is then sent and
    accepted (the aggregate refresh copes with a form without cells)."""
    with app.app_context():
        sub_id = _narrative_submission(kit)
        narrative_service.save_sections(sub_id, TEXT, 1, ENTRY, now=NOW)
        sub = wf.act(sub_id, "submit", 2, ENTRY, now=NOW)
        sub = wf.act(sub_id, "approve", sub.version, LEADER, now=NOW)
        signatures.register_certificate(
            LEADER.username, pki("leader.pem"), actor="admin", now=NOW
        )
        setup = signing.setup_for((), None, forms.load_compiled)
        setup = signing.SigningSetup(
            trust_roots=(pki("root.pem"),), render=setup.render
        )
        assert signing.prepare_pdf(sub, now=NOW, setup=setup).startswith(b"%PDF")
        done = signing.sign_with_p12(
            sub_id,
            sub.version,
            LEADER,
            pki("leader.p12"),
            PASSPHRASE,
            now=NOW,
            setup=setup,
        )
        assert done.state == "signed"
        stored = SignedDocument.objects.get(submission_id=sub_id)
        seen = signing.verification_of(done, now=NOW, setup=setup)
        assert seen is not None and seen["valid"] and seen["data_intact"]
        assert stored.data_sha256 == signatures.bound_data_sha256(done)
        sender = SimpleNamespace(
            **{**vars(ENTRY), "username": "28249.gui", "roles": ["gui"]}
        )
        receiver = SimpleNamespace(
            **{
                **vars(ENTRY),
                "username": "SKHCN.tonghop",
                "unit_code": "SKHCN",
                "roles": ["tonghop"],
            }
        )
        sent = wf.act(sub_id, "send", done.version, sender, now=NOW)
        assert (
            wf.act(sub_id, "accept", sent.version, receiver, now=NOW).state
            == "accepted"
        )


def test_aggregate_xlsx_of_an_outline_only_form_is_refused_cleanly(
    app: Any, kit: Any
) -> None:
    """OO-06: the aggregate's .xlsx needs the workbook: the loader's
    NoWorkbookError is a LookupError, so the export says AG015, no crash."""
    with app.app_context():
        sub_id = _narrative_submission(kit)
        regime = get_regime(wf.get_submission(sub_id).regime_id)
        found = SimpleNamespace(result=None)
        with pytest.raises(aggregate_exports.ExportJobError) as caught:
            aggregate_exports._xlsx(found, regime, forms.load_source)
        assert caught.value.code == "AG015"


def test_designer_creates_an_outline_only_form_and_the_unit_downloads_its_pdf(
    app: Any, client: Any, auth: Any, csrf: Any, *, make_user: Any, kit: Any
) -> None:
    """OO-07 (pages): 'Tạo đề cương không cần tệp Excel' makes a draft whose
    page has no grid but the outline designer and says why; publishing with
    no section flashes FS018; after publishing, the unit's PDF downloads and
    the .xlsx answers XF003 in Vietnamese."""
    with app.app_context():
        _units(kit)
        make_user("SKHCN.thietke", Role.DESIGNER, "SKHCN")
        make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")
    auth.login("SKHCN.thietke")
    token = csrf("/bieu-mau/")
    index = client.get("/bieu-mau/").get_data(as_text=True)
    assert "Tạo đề cương không cần tệp Excel" in index
    blank = client.post(
        "/bieu-mau/de-cuong-moi",
        data={"csrf_token": token, "name": " "},
        follow_redirects=True,
    )
    assert forms.FormCode.FS005.value.msg in blank.get_data(as_text=True)
    created = client.post(
        "/bieu-mau/de-cuong-moi", data={"csrf_token": token, "name": "Thuyết minh quý"}
    )
    assert created.status_code == 302
    with app.app_context():
        form_id = str(Form.objects.get(name="Thuyết minh quý").pk)
    page = client.get(f"/bieu-mau/{form_id}").get_data(as_text=True)
    assert 'id="outline-only"' in page and 'id="outline-form"' in page
    assert "designer-cells" not in page and 'id="cell-form"' not in page
    refused = client.post(
        f"/bieu-mau/{form_id}/phat-hanh",
        data={"csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert str(escape(forms.FormCode.FS018.format(name="Thuyết minh quý"))) in refused
    client.post(
        f"/bieu-mau/{form_id}/de-cuong",
        data={"csrf_token": token, "outline": json.dumps(OUTLINE)},
    )
    client.post(f"/bieu-mau/{form_id}/phat-hanh", data={"csrf_token": token})
    auth.logout()
    with app.app_context():
        assert forms.get_form(form_id).latest_version == 1
        sub_id = kit.open_regime(form_id, "narrative")
    auth.login("28249.nhaplieu")
    pdf = client.get(f"/bao-cao/{sub_id}/tai-ve/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf.close()
    xlsx = client.get(f"/bao-cao/{sub_id}/tai-ve/xlsx")
    assert xlsx.status_code == 400
    assert "không có tệp Excel" in xlsx.get_data(as_text=True)
    xlsx.close()


def test_a_regime_expecting_a_grid_refuses_an_outline_only_form(
    app: Any, kit: Any
) -> None:
    """OO-08: a numeric or linked regime naming an outline-only form is not
    published (the message says to choose narrative content or an Excel form);
    nothing is stored as published."""
    with app.app_context():
        _units(kit)
        form_id = _outline_form()
        form_marks.set_outline(form_id, OUTLINE, now=NOW)
        forms.publish(form_id, actor="SKHCN.thietke", now=NOW)
        for content in ("linked", "numeric"):
            with pytest.raises(RegimeIncompleteError) as refused:
                kit.open_regime(form_id, content)
            assert "chỉ có đề cương, không có bảng số liệu" in refused.value.message
        assert Regime.objects(status="published").count() == 0


def test_api_lists_an_outline_only_form_without_workbook(app: Any, api: Any) -> None:
    """OO-09: the form list says which forms have no workbook."""
    with app.app_context():
        form_id = _outline_form()
    listed = api("SKHCN.thietke", "GET", "/forms").get_json()
    found = {f["id"]: f for f in listed["items"]}
    assert found[form_id]["has_workbook"] is False
    assert found[form_id]["source_sha256"] == ""
