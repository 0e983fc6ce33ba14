"""The ``sign`` step with real PAdES signatures (issue #6, item 7) on mongomock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.models import AuditEvent, SignedDocument
from baocao.platform.services import signatures, workflow_seal
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_signing as signing
from baocao.platform.services.signatures import SignatureCode, SignatureFlowError
from baocao.platform.workflow.errors import TransitionError
from baocao.signing import CertificatePolicyError, KeyAccessError, certificate_sha256
from baocao.signing.pki import KeySpec, issue_identity, make_name
from cryptography.hazmat.primitives.serialization import Encoding
from signing_support import (
    PASSPHRASE,
    append_page,
    pki,
    sign_outside,
    simple_render,
)
from support import monthly_regime_payload

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
SETUP = signing.SigningSetup(trust_roots=(pki("root.pem"),), render=simple_render)


@dataclass
class FakeUser:
    username: str
    unit_code: str | None
    roles: list[str] = field(default_factory=list)
    is_authenticated: bool = True
    is_active: bool = True


ENTRY = FakeUser("28249.nhaplieu", "28249", ["nhaplieu"])
LEADER = FakeUser("28249.lanhdao", "28249", ["lanhdao"])


@pytest.fixture
def approved(units: list[str]) -> str:
    """28249's submission with data, submitted and approved: ready to sign;
    the leader's certificate is registered."""
    chain = config.ensure_default_chain(now=NOW)
    regime = config.create_regime(
        monthly_regime_payload(str(chain.pk), guidance="Nhập, duyệt, ký số, gửi."),
        actor="SKHCN.thietke",
        now=NOW,
        publish=True,
    )
    wf.open_period(str(regime.pk), "2026-M03", actor="system", now=NOW)
    sub = wf.get_submission(str(wf.Submission.objects(unit="28249").first().pk))
    sub = wf.save_data(str(sub.pk), {"Biểu 01!D7": 5}, 1, ENTRY, now=NOW)
    sub = wf.act(str(sub.pk), "submit", sub.version, ENTRY, now=NOW)
    sub = wf.act(str(sub.pk), "approve", sub.version, LEADER, now=NOW)
    signatures.register_certificate(
        LEADER.username, pki("leader.pem"), actor="admin", now=NOW
    )
    return str(sub.pk)


def _refused(code: SignatureCode, call: Any, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(SignatureFlowError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code.name and caught.value.http_status == 422
    assert SignedDocument.objects.count() == 0


def test_leader_signs_with_p12_and_the_pdf_is_kept(approved: str) -> None:
    """KY-S01: render, bind, sign, verify; the PDF is stored with its hashes in
    the submission, history and audit; the receiving unit sees it valid."""
    sub = wf.get_submission(approved)
    done = signing.sign_with_p12(
        approved,
        sub.version,
        LEADER,
        pki("leader.p12"),
        PASSPHRASE,
        now=NOW,
        setup=SETUP,
    )
    assert (done.state, done.step) == ("signed", 2)
    stored = SignedDocument.objects.get(submission_id=approved)
    assert stored.sha256 == hashlib.sha256(stored.pdf).hexdigest() == done.signature
    assert done.signed_data_sha256 == stored.data_sha256
    assert stored.data_sha256 == signatures.bound_data_sha256(done)
    assert (stored.signer, stored.source) == ("28249.lanhdao", "p12")
    event = done.history[-1]
    assert (event["action"], event["signature"]) == ("sign", stored.sha256)
    assert event["signed_data_sha256"] == stored.data_sha256
    audit = AuditEvent.objects(action="submission.sign").first()
    assert audit.details["signature"] == stored.sha256
    seen = signing.verification_of(done, now=NOW, setup=SETUP)
    assert seen is not None and seen["valid"] and seen["data_intact"]
    assert seen["signers"][0]["name"] == "Nguyễn Văn An"
    with pytest.raises(TransitionError):
        wf.save_data(approved, {"Biểu 01!D7": 6}, done.version, ENTRY, now=NOW)
    with pytest.raises(Exception, match="append-only"):
        stored.delete()


def test_a_pdf_signed_outside_is_accepted(approved: str) -> None:
    """KY-S02: the USB-token path: the uploaded signed PDF passes the same checks."""
    sub = wf.get_submission(approved)
    pdf = sign_outside(sub, NOW)
    done = signing.sign_with_pdf(
        approved, sub.version, LEADER, pdf, now=NOW, setup=SETUP
    )
    assert done.state == "signed"
    assert done.signature == hashlib.sha256(pdf).hexdigest()


def test_foreign_certificate_is_refused(approved: str) -> None:
    """KY-S03: a signature by someone else's certificate is refused (p12 and PDF)."""
    sub = wf.get_submission(approved)
    _refused(
        SignatureCode.KY001,
        signing.sign_with_p12,
        approved,
        sub.version,
        LEADER,
        pki("seal.p12"),
        PASSPHRASE,
        now=NOW,
        setup=SETUP,
    )
    _refused(
        SignatureCode.KY001,
        signing.sign_with_pdf,
        approved,
        sub.version,
        LEADER,
        sign_outside(sub, NOW, "seal"),
        now=NOW,
        setup=SETUP,
    )
    assert wf.get_submission(approved).state == "approved"


def test_unregistered_account_is_told_how_to_register(approved: str) -> None:
    """KY-S04: no registered certificate: say where to register it."""
    sub = wf.get_submission(approved)
    signatures.withdraw_certificate(
        LEADER.username,
        signatures.certificates_of(LEADER.username)[0].sha256,
        actor="admin",
        now=NOW,
    )
    _refused(
        SignatureCode.KY002,
        signing.sign_with_p12,
        approved,
        sub.version,
        LEADER,
        pki("leader.p12"),
        PASSPHRASE,
        now=NOW,
        setup=SETUP,
    )


def test_untrusted_chain_and_tampering_are_refused(approved: str) -> None:
    """KY-S05: untrusted root, a changed byte, an appended page: not valid."""
    sub = wf.get_submission(approved)
    signatures.register_certificate(
        LEADER.username, pki("untrusted.pem"), actor="admin", now=NOW
    )
    _refused(
        SignatureCode.KY003,
        signing.sign_with_pdf,
        approved,
        sub.version,
        LEADER,
        sign_outside(sub, NOW, "untrusted"),
        now=NOW,
        setup=SETUP,
    )
    good = sign_outside(sub, NOW)
    index = good.index(b"Bao cao 28249")
    tampered = good[:index] + b"Bao cao 28250" + good[index + 13 :]
    _refused(
        SignatureCode.KY003,
        signing.sign_with_pdf,
        approved,
        sub.version,
        LEADER,
        tampered,
        now=NOW,
        setup=SETUP,
    )
    untrusted_setup = replace(SETUP, trust_roots=())
    _refused(
        SignatureCode.KY003,
        signing.sign_with_pdf,
        approved,
        sub.version,
        LEADER,
        good,
        now=NOW,
        setup=untrusted_setup,
    )


def test_expired_certificate_and_wrong_passphrase_are_refused(approved: str) -> None:
    """KY-S06: the signing policy and the key store refuse before signing."""
    sub = wf.get_submission(approved)
    signatures.register_certificate(
        LEADER.username, pki("expired.pem"), actor="admin", now=NOW
    )
    with pytest.raises(CertificatePolicyError) as caught:
        signing.sign_with_p12(
            approved,
            sub.version,
            LEADER,
            pki("expired.p12"),
            PASSPHRASE,
            now=NOW,
            setup=SETUP,
        )
    assert caught.value.http_status == 422
    with pytest.raises(KeyAccessError):
        signing.sign_with_p12(
            approved,
            sub.version,
            LEADER,
            pki("leader.p12"),
            "sai-mat-khau",
            now=NOW,
            setup=SETUP,
        )
    assert SignedDocument.objects.count() == 0


def test_data_mismatch_is_refused(approved: str) -> None:
    """KY-S07: a PDF signed over other data (or another submission) is refused."""
    sub = wf.get_submission(approved)
    other = wf.get_submission(approved)
    other.data = {"Biểu 01!D7": 500}  # never saved: only what the PDF carries
    _refused(
        SignatureCode.KY004,
        signing.sign_with_pdf,
        approved,
        sub.version,
        LEADER,
        sign_outside(other, NOW),
        now=NOW,
        setup=SETUP,
    )


def test_free_text_signature_is_refused(approved: str) -> None:
    """KY-S08: ``act(sign)`` at a step requiring a signature wants a stored PDF."""
    sub = wf.get_submission(approved)
    with pytest.raises(SignatureFlowError) as caught:
        wf.act(approved, "sign", sub.version, LEADER, now=NOW, signature="sha256:ab")
    assert caught.value.code == "KY006"


def test_return_leaves_the_signed_state(approved: str) -> None:
    """KY-S09: after a return the data may change, so the signature is dropped
    (the stored PDF stays) and a new signature is needed."""
    sub = wf.get_submission(approved)
    sub = signing.sign_with_p12(
        approved,
        sub.version,
        LEADER,
        pki("leader.p12"),
        PASSPHRASE,
        now=NOW,
        setup=SETUP,
    )
    sender = FakeUser("28249.gui", "28249", ["gui"])
    sub = wf.act(approved, "return", sub.version, sender, now=NOW, reason="Sửa D7")
    assert (sub.signature, sub.signed_data_sha256) == (None, None)
    assert signing.verification_of(sub, now=NOW, setup=SETUP) is None
    sub = wf.save_data(approved, {"Biểu 01!D7": 6}, sub.version, ENTRY, now=NOW)
    assert SignedDocument.objects.count() == 1


def test_verify_upload_reports_in_vietnamese(approved: str) -> None:
    """KY-S10: the verify page's result: valid, then a page appended → invalid."""
    pdf = sign_outside(wf.get_submission(approved), NOW)
    result = signing.verify_upload(pdf, now=NOW, setup=SETUP)
    assert result["valid"] and result["summary"].startswith("HỢP LỆ")
    appended = signing.verify_upload(append_page(pdf), now=NOW, setup=SETUP)
    assert not appended["valid"] and appended["summary"].startswith("KHÔNG HỢP LỆ")
    assert "thêm trang" in appended["problems"]


def test_the_sender_adds_the_agency_seal_and_the_first_stays_valid(
    approved: str,
) -> None:
    """KY-S11: the seal is a second signature over the stored PDF; the leader's
    stays valid; a foreign certificate is refused; the state does not change."""
    sender = FakeUser("28249.gui", "28249", ["gui"])
    signatures.register_certificate(
        sender.username, pki("seal.pem"), actor="admin", now=NOW
    )
    sub = wf.get_submission(approved)
    sub = signing.sign_with_p12(
        approved,
        sub.version,
        LEADER,
        pki("leader.p12"),
        PASSPHRASE,
        now=NOW,
        setup=SETUP,
    )
    assert workflow_seal.may_seal(sub, sender, NOW)
    assert not workflow_seal.may_seal(sub, LEADER, NOW)
    with pytest.raises(SignatureFlowError) as caught:
        workflow_seal.add_seal(
            approved,
            sub.version,
            sender,
            pki("leader.p12"),
            PASSPHRASE,
            now=NOW,
            setup=SETUP,
        )
    assert caught.value.code == "KY001"
    leader_pdf = sub.signature
    sealed = workflow_seal.add_seal(
        approved,
        sub.version,
        sender,
        pki("seal.p12"),
        PASSPHRASE,
        now=NOW,
        setup=SETUP,
    )
    assert (sealed.state, sealed.step) == ("signed", 2)
    assert sealed.signature != leader_pdf and sealed.history[-1]["action"] == "seal"
    seen = signing.verification_of(sealed, now=NOW, setup=SETUP)
    assert seen is not None and seen["valid"]
    assert [s["valid"] for s in seen["signers"]] == [True, True]
    assert [d.kind for d in SignedDocument.objects(submission_id=approved)] == [
        "leader",
        "seal",
    ]
    sent = wf.act(approved, "send", sealed.version, sender, now=NOW)
    assert sent.state == "sent"


def test_a_free_text_reference_shows_no_verification(approved: str) -> None:
    """KY-S12: at a step not requiring a signature ``sign`` may carry free text;
    the page then shows no verification instead of failing."""
    sub = wf.get_submission(approved)
    sub.signature = "sha256:tham-chieu-ngoai"
    assert signing.verification_of(sub, now=NOW, setup=SETUP) is None


def test_der_certificates_ending_in_a_newline_byte_register(units: list[str]) -> None:
    """KY-S13: a DER certificate is taken byte for byte (its last byte, part of
    the signature, may be 0x0a); a PEM with text around it is accepted too."""
    root = issue_identity(
        make_name("Gốc"), not_before=NOW, not_after=NOW, ca=True, key=KeySpec("ec", 256)
    )
    der = b""
    for _ in range(5000):  # ECDSA signatures are random: 1 in 256 ends in 0x0a
        leaf = issue_identity(
            make_name("Lá"),
            issuer=root,
            not_before=NOW,
            not_after=NOW,
            key=KeySpec("ec", 256),
        )
        der = leaf.certificate.public_bytes(Encoding.DER)
        if der.endswith(b"\n"):
            break
    assert der.endswith(b"\n")
    signatures.register_certificate("u", der, actor="admin", now=NOW)
    assert signatures.registered_fingerprints("u") == {certificate_sha256(der)}
    pem = b"Bag Attributes\n" + pki("leader.pem")
    signatures.register_certificate("w", pem, actor="admin", now=NOW)
    assert signatures.certificates_of("w")[0].subject == "Nguyễn Văn An"
