"""Designer pages through the test client: upload, preview, change a cell, publish, diff."""

from __future__ import annotations

import io
import re
from typing import Any

from baocao.platform.models import Form
from baocao.platform.roles import Role


def _setup(app: Any, make_user: Any, kit: Any) -> None:
    with app.app_context():
        kit.make_unit("82", "province")
        kit.make_unit("SKHCN", "department", "82")
        kit.make_unit("28249", "commune", "82")
        make_user("SKHCN.thietke", Role.DESIGNER, "SKHCN")
        make_user("28249.nhaplieu", Role.DATA_ENTRY, "28249")


def test_designer_pages_round_trip(app: Any, client: Any, auth: Any, csrf: Any,
                                   make_user: Any, kit: Any) -> None:
    _setup(app, make_user, kit)
    auth.login("SKHCN.thietke")
    token = csrf("/bieu-mau/")
    refused = client.post("/bieu-mau/tai-len", data={
        "csrf_token": token, "name": "Hỏng",
        "file": (io.BytesIO(kit.bad_template()), "hong.xlsx")})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "FD011" in page and "chưa lưu gì" in page
    without_csrf = client.post("/bieu-mau/tai-len", data={
        "name": "X", "file": (io.BytesIO(kit.template()), "x.xlsx")})
    assert without_csrf.status_code == 400
    done = client.post("/bieu-mau/tai-len", data={
        "csrf_token": token, "name": "Biểu 01",
        "file": (io.BytesIO(kit.template()), "bieu01.xlsx")})
    assert done.status_code == 302
    with app.app_context():
        form_id = str(Form.objects.get(name="Biểu 01").pk)
    page = client.get(f"/bieu-mau/{form_id}").get_data(as_text=True)
    assert 'data-sheet="Biểu 01-KTXH"' in page and "designer-cells" in page
    assert re.search(r'<input[^>]*data-key="Biểu 01-KTXH!D9"[^>]*readonly', page)
    changed = client.post(f"/bieu-mau/{form_id}/o", data={
        "csrf_token": token, "address": "Biểu 01-KTXH!D9", "role": "input",
        "kind": "integer", "minimum": "0", "maximum": "1.000.000", "help": "Tỷ đồng",
        "indicator": "GRDP_KH", "required": "on"}, follow_redirects=True)
    text = changed.get_data(as_text=True)
    assert "Đã cập nhật ô Biểu 01-KTXH!D9" in text, re.findall(r"alert-\w+[^<]*<[^<]*<[^<]*<[^<]*", text)
    for _ in range(2):
        client.post(f"/bieu-mau/{form_id}/phat-hanh", data={"csrf_token": token})
    client.post(f"/bieu-mau/{form_id}/o", data={
        "csrf_token": token, "address": "Biểu 01-KTXH!D9", "role": "label"})
    client.post(f"/bieu-mau/{form_id}/phat-hanh", data={"csrf_token": token})
    diff = client.get(f"/bieu-mau/{form_id}/so-sanh?from=2&to=3").get_data(as_text=True)
    assert 'data-cell="Biểu 01-KTXH!D9"' in diff and "vai trò" in diff
    script = client.get("/bieu-mau/tai-nguyen/static/baocao-grid.js")
    assert script.status_code == 200 and b"BaocaoGrid" in script.get_data()
    script.close()
    auth.logout()
    auth.login("28249.nhaplieu")
    assert client.get(f"/bieu-mau/{form_id}").status_code in (302, 403)


def test_designer_page_in_english(app: Any, client: Any, auth: Any, csrf: Any,
                                  make_user: Any, kit: Any) -> None:
    """I18N-11: the cell panel's roles and data types, and the flashes after
    an upload and a cell change, follow the language; Vietnamese unchanged."""
    _setup(app, make_user, kit)
    auth.login("SKHCN.thietke")
    token = csrf("/bieu-mau/")
    uploaded = client.post("/bieu-mau/tai-len", data={
        "csrf_token": token, "name": "Biểu 01",
        "file": (io.BytesIO(kit.template()), "bieu01.xlsx")}, follow_redirects=True)
    page = uploaded.get_data(as_text=True)
    done = "Đã biên dịch mẫu &#39;Biểu 01&#39;. Hãy kiểm tra từng ô rồi phát hành."
    assert done in page
    with app.app_context():
        form_id = str(Form.objects.get(name="Biểu 01").pk)
    vietnamese = ('<option value="computed">Ô tính toán</option>',
                  '<option value="integer">Số nguyên</option>',
                  '<option value="narrative">Đoạn văn (định dạng)</option>')
    english = ('<option value="computed">Computed cell</option>',
               '<option value="integer">Whole number</option>',
               '<option value="narrative">Formatted paragraph</option>')
    assert all(w in page for w in vietnamese) and not any(w in page for w in english)
    assert 'id="bc-preview" data-baocao-form lang="vi"' in page
    client.get("/lang/en")
    page = client.get(f"/bieu-mau/{form_id}").get_data(as_text=True)
    assert all(w in page for w in english) and not any(w in page for w in vietnamese)
    assert 'id="bc-preview" data-baocao-form lang="en"' in page  # the preview grid
    changed = client.post(f"/bieu-mau/{form_id}/o", data={
        "csrf_token": token, "address": "Biểu 01-KTXH!D9", "role": "input",
        "kind": "integer"}, follow_redirects=True).get_data(as_text=True)
    assert "Cell Biểu 01-KTXH!D9 updated." in changed
