"""The signing step over the API and the pages, on the real form and renderer
(issue #6, items 7 and 5): sign with a .p12, refuse foreign or tampered
signatures with 422, download the signed PDF, verify it (also with pyHanko's
own command line), and see the result as the receiving unit."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.demo_signing import (
    leader_accounts,
    register_demo_certificates,
    seal_accounts,
    write_demo_pki,
)
from baocao.platform.models import SignedDocument
from baocao.platform.roles import Role
from baocao.platform.services import signatures
from baocao.platform.services import workflow as wf
from baocao.platform.settings import Secret, Settings
from baocao.platform.workflow.chains import default_chain
from baocao.signing import Pkcs12Signer, certificate_sha256
from flask.testing import FlaskClient
from signing_support import (
    PASSPHRASE,
    PKI,
    append_page,
    pki,
    pyhanko_validate,
    sign_outside,
)
from support import SHARED

INPUT = "Biểu 01-KTXH!D17"
ACCOUNTS = [
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.lanhdao", Role.APPROVER, "28249"),
    ("28249.gui", Role.SENDER, "28249"),
    ("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN"),
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def compiled() -> Any:
    return compile_workbook((SHARED / "templates" / "bieu01_ktxh.xlsx").read_bytes())


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        secret_key=Secret("kiem-thu-ky-so-" * 4),
        trust_roots=(PKI / "root.pem",),
    )


@pytest.fixture
def approved(  # noqa: PLR0917 - pytest fixtures are positional
    app: Any,
    client: FlaskClient,
    compiled: Any,
    make_user: Any,
    monthly_regime: Any,
    api_token: Any,
) -> dict[str, Any]:
    """An approved submission of form bieu01_ktxh with data, the leader's
    certificate registered, and ``call(user, method, path, version, **kw)``."""
    app.extensions["baocao_form_loader"] = lambda form_id, version: (
        compiled if (form_id, version) == ("ktxh", 1) else None
    )
    with app.app_context():
        sub_id = monthly_regime(make_user, ACCOUNTS, "ktxh", "Nhập, duyệt, ký số")[1]
        signatures.register_certificate(
            "28249.lanhdao", pki("leader.pem"), actor="admin", now=wf_now()
        )
        signatures.register_certificate(
            "28249.gui", pki("seal.pem"), actor="admin", now=wf_now()
        )
    tokens: dict[str, str] = {}

    def call(
        username: str, method: str, path: str, version: int | None = None, **kwargs: Any
    ) -> Any:
        tokens.setdefault(username, api_token(username))
        headers = {"Authorization": f"Bearer {tokens[username]}"}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    saved = call(
        "28249.nhaplieu",
        "PUT",
        f"/submissions/{sub_id}/data",
        1,
        json={"data": {INPUT: 40}},
    )
    assert saved.status_code == 200, saved.json
    for who, action in (("28249.nhaplieu", "submit"), ("28249.lanhdao", "approve")):
        done = call(
            who,
            "POST",
            f"/submissions/{sub_id}/actions/{action}",
            saved.json["version"] if action == "submit" else 3,
        )
        assert done.status_code == 200, done.json
    return {"id": sub_id, "call": call, "version": 4}


def wf_now() -> datetime:
    return datetime.now(UTC)


def _sign(approved: dict[str, Any], **files: Any) -> Any:
    return approved["call"](
        "28249.lanhdao",
        "POST",
        f"/submissions/{approved['id']}/actions/sign",
        approved["version"],
        data=files,
        content_type="multipart/form-data",
    )


def test_api_signs_with_p12_and_serves_the_signed_pdf(
    approved: dict[str, Any], tmp_path: Path
) -> None:
    """KY-A01: p12 + passphrase → signed; signed.pdf is the stored PDF; it is
    valid for us and for pyHanko's CLI; data can no longer be saved."""
    done = _sign(
        approved, p12=(_io(pki("leader.p12")), "leader.p12"), passphrase=PASSPHRASE
    )
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["step"]) == ("signed", 2)
    call, sub_id = approved["call"], approved["id"]
    pdf = call("SKHCN.tonghop", "GET", f"/submissions/{sub_id}/signed.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == wf.get_submission(sub_id).signature
    check = call("SKHCN.tonghop", "GET", f"/submissions/{sub_id}/signature")
    assert check.status_code == 200
    assert check.json["valid"] and check.json["data_intact"]
    assert check.json["signers"][0]["level"] == "B-B"
    result = pyhanko_validate(pdf.data, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.rsplit(":", 1)[-1] for line in result.stdout.split()] == ["VALID"]
    sealed = call(
        "28249.gui",
        "POST",
        f"/submissions/{sub_id}/seal",
        done.json["version"],
        data={"p12": (_io(pki("seal.p12")), "seal.p12"), "passphrase": PASSPHRASE},
        content_type="multipart/form-data",
    )
    assert sealed.status_code == 200, sealed.json
    assert sealed.json["history"][-1]["action"] == "seal"
    check = call("SKHCN.tonghop", "GET", f"/submissions/{sub_id}/signature")
    assert check.json["valid"] and len(check.json["signers"]) == 2
    late = call(
        "28249.nhaplieu",
        "PUT",
        f"/submissions/{sub_id}/data",
        sealed.json["version"],
        json={"data": {INPUT: 41}},
    )
    assert (late.status_code, late.json["code"]) == (409, "WF033")


def test_api_refuses_foreign_and_tampered_signatures(approved: dict[str, Any]) -> None:
    """KY-A02: 422 with the code for another's .p12, a tampered upload, and a
    free-text signature; nothing is stored and the state is unchanged."""
    foreign = _sign(
        approved, p12=(_io(pki("seal.p12")), "seal.p12"), passphrase=PASSPHRASE
    )
    assert (foreign.status_code, foreign.json["code"]) == (422, "KY001")
    assert "không phải chứng thư số đã đăng ký" in foreign.json["message"]
    good = sign_outside(wf.get_submission(approved["id"]), wf_now())
    tampered = append_page(good)
    bad = _sign(approved, file=(_io(tampered), "da-ky.pdf"))
    assert (bad.status_code, bad.json["code"]) == (422, "KY003")
    text = approved["call"](
        "28249.lanhdao",
        "POST",
        f"/submissions/{approved['id']}/actions/sign",
        approved["version"],
        json={"signature": "sha256:ab"},
    )
    assert (text.status_code, text.json["code"]) == (422, "KY006")
    assert SignedDocument.objects.count() == 0
    assert wf.get_submission(approved["id"]).state == "approved"
    ok = _sign(approved, file=(_io(good), "da-ky.pdf"))
    assert ok.status_code == 200, ok.json


def test_pages_show_the_result_and_verify_uploads(
    approved: dict[str, Any], client: FlaskClient, auth: Any
) -> None:
    """KY-V01: the leader signs on the page; the receiving unit sees "Hợp lệ"
    before accepting, downloads the PDF; the verify page says "Không hợp lệ"
    for a changed byte."""
    sub_id = approved["id"]
    auth.login("28249.lanhdao")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert 'id="action-sign-pdf"' in page and 'name="signature"' not in page
    token = _CSRF.search(page).group(1)
    signed = client.post(
        f"/ky-so/bao-cao/{sub_id}",
        data={
            "csrf_token": token,
            "version": "4",
            "passphrase": PASSPHRASE,
            "p12": (_io(pki("leader.p12")), "leader.p12"),
        },
        content_type="multipart/form-data",
    )
    assert signed.status_code == 302, signed.get_data(as_text=True)
    auth.logout()
    auth.login("28249.nhaplieu")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    refused = client.post(
        f"/bao-cao/{sub_id}/luu-tu-dong",
        json={"data": {INPUT: 41}, "version": 5},
        headers={
            "X-CSRFToken": _CSRF.search(page).group(1),
            "Accept": "application/json",
        },
    )
    assert refused.status_code == 409
    assert wf.get_submission(sub_id).get_data() == {INPUT: 40}
    auth.logout()
    auth.login("28249.gui")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert 'id="action-seal"' in page and 'id="action-sign-pdf"' not in page
    sealed = client.post(
        f"/ky-so/bao-cao/{sub_id}/dong-dau",
        data={
            "csrf_token": _CSRF.search(page).group(1),
            "version": "5",
            "passphrase": PASSPHRASE,
            "p12": (_io(pki("seal.p12")), "seal.p12"),
        },
        content_type="multipart/form-data",
    )
    assert sealed.status_code == 302, sealed.get_data(as_text=True)
    sent = approved["call"](
        "28249.gui", "POST", f"/submissions/{sub_id}/actions/send", 6
    )
    assert sent.status_code == 200, sent.json
    auth.logout()
    auth.login("SKHCN.tonghop")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert page.index("Hợp lệ") < page.index('id="actions"')
    assert "Nguyễn Văn An" in page and 'id="action-accept"' in page
    assert "Sở Khoa học và Công nghệ" in page  # the seal, second signer
    pdf = client.get(f"/ky-so/bao-cao/{sub_id}/ban-da-ky.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    index = pdf.data.index(b"/Producer")
    tampered = pdf.data[: index + 2] + b"X" + pdf.data[index + 3 :]
    token = _CSRF.search(client.get("/ky-so/kiem-tra").get_data(as_text=True)).group(1)
    shown = client.post(
        "/ky-so/kiem-tra",
        data={"csrf_token": token, "pdf": (_io(tampered), "ban-sua.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Không hợp lệ" in shown and "đã bị thay đổi sau khi ký" in shown


def _io(data: bytes) -> Any:
    return io.BytesIO(data)


def test_certificates_are_registered_by_the_user_or_their_admin(
    app: Any, client: FlaskClient, auth: Any, make_user: Any, make_unit: Any
) -> None:
    """KY-V02: a leader registers their own certificate; the unit admin registers
    one for them; another unit's leader may not; a private key file is refused."""
    with app.app_context():
        make_unit("82", "province")
        make_unit("28249", "commune", "82")
        make_unit("28261", "commune", "82")
        make_user("28249.lanhdao", Role.APPROVER, "28249")
        make_user("28249.admin", Role.UNIT_ADMIN, "28249")
        make_user("28261.lanhdao", Role.APPROVER, "28261")

    def upload(path: str, name: str, data: bytes) -> Any:
        page = client.get(path)
        assert page.status_code == 200, page.get_data(as_text=True)
        token = _CSRF.search(page.get_data(as_text=True)).group(1)
        return client.post(
            path,
            data={"csrf_token": token, "certificate": (_io(data), name)},
            content_type="multipart/form-data",
        )

    auth.login("28249.lanhdao")
    assert upload("/chung-thu-so/", "leader.pem", pki("leader.pem")).status_code == 302
    bad = upload("/chung-thu-so/", "leader.key.pem", pki("leader.key.pem"))
    assert bad.status_code == 422 and "KS063" in bad.get_data(as_text=True)
    auth.logout()
    auth.login("28249.admin")
    page = "/chung-thu-so/28249.lanhdao"
    assert upload(page, "seal.pem", pki("seal.pem")).status_code == 302
    listed = client.get(page).get_data(as_text=True)
    assert listed.count("Đang dùng") == 2 and "Nguyễn Văn An" in listed
    auth.logout()
    auth.login("28261.lanhdao")
    assert client.get(page).status_code in (403, 404)
    with app.app_context():
        assert len(signatures.registered_fingerprints("28249.lanhdao")) == 2


def test_demo_writes_the_pki_and_registers_each_leader(
    app: Any, tmp_path: Path, make_user: Any
) -> None:
    """KY-D01: ``baocao demo``'s signing set-up: one .p12 per leader account
    (passphrase = demo password) whose certificate is registered; the ready-made
    chain requires a signature at the leader step."""
    now = datetime.now(UTC)
    demo = write_demo_pki(tmp_path, "Demo-matkhau-2026", now)
    assert sorted(demo.p12) == sorted(leader_accounts() + seal_accounts())
    assert demo.root.read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    with app.app_context():
        register_demo_certificates(app, demo, "Demo-matkhau-2026", now)
        register_demo_certificates(app, demo, "Demo-matkhau-2026", now)  # idempotent
        for username, path in demo.p12.items():
            signer = Pkcs12Signer.load(path.read_bytes(), "Demo-matkhau-2026")
            assert signatures.registered_fingerprints(username) == {
                certificate_sha256(signer.certificate)
            }
    leader_step = default_chain().steps[1]
    assert leader_step.actor_role == "lanhdao" and leader_step.signature_required
