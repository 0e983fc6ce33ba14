"""PAdES B-B signing, several signatures in sequence, verification and tampering.

Requirements: issue #6 items 1 (sequence, invisible), 4 (ECDSA), 5 (verification,
tampering detected).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from baocao.signing import (
    Appearance,
    Code,
    PdfInputError,
    Pkcs12Signer,
    SignRequest,
    demo_image,
    sign_pdf,
    verify_pdf,
)
from signing_support import append_page

P12 = Callable[[str], Pkcs12Signer]


def leader_then_seal(pdf: bytes, p12: P12, now: datetime) -> bytes:
    """The leader signs visibly, then the agency seals over the signature."""
    leader = sign_pdf(
        pdf,
        SignRequest(
            now=now,
            appearance=Appearance.SIGNATURE,
            title="CHỦ TỊCH",
            image=demo_image("signature"),
        ),
        p12("leader"),
    )
    return sign_pdf(
        leader,
        SignRequest(now=now, appearance=Appearance.SEAL, image=demo_image("seal")),
        p12("seal"),
    )


def test_invisible_signature_is_valid(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    """#6.1: B-B invisible signature verifies, covering the whole document."""
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("leader"))
    report = verify_pdf(signed, roots, now)
    assert report.valid and report.intact and report.trusted
    (sig,) = report.signatures
    assert (sig.signer_name, sig.organisation) == (
        "Nguyễn Văn An",
        "Ủy ban nhân dân tỉnh Đồng Tháp",
    )
    assert sig.level == "B-B"
    assert sig.signing_time == now
    assert sig.covers_whole_document and not sig.modified_after_signing
    assert report.summary().startswith("HỢP LỆ")


def test_leader_then_seal_both_valid(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    """#6.1: the leader's signature stays valid after the agency's seal is added."""
    report = verify_pdf(leader_then_seal(report_pdf, p12, now), roots, now)
    assert report.valid
    leader, seal = report.signatures
    assert leader.signer_name == "Nguyễn Văn An"
    assert seal.signer_name == "Sở Khoa học và Công nghệ tỉnh Đồng Tháp"
    assert not leader.covers_whole_document and not leader.modified_after_signing
    assert seal.covers_whole_document


def test_ecdsa_p256_signature_is_valid(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    """#6.4: ECDSA keys of 256 bits are accepted."""
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("leader_ec"))
    assert verify_pdf(signed, roots, now).valid


def test_one_changed_byte_is_detected(
    roots: list[bytes], p12: P12, now: datetime, pdf_maker: Callable[..., bytes]
) -> None:
    """#6.5: changing one figure of the signed report breaks the signature."""
    signed = sign_pdf(pdf_maker(amount="1000"), SignRequest(now=now), p12("leader"))
    assert signed.count(b"Tong so: 1000") == 1
    tampered = signed.replace(b"Tong so: 1000", b"Tong so: 9000")
    report = verify_pdf(tampered, roots, now)
    assert not report.valid and not report.intact
    assert report.signatures[0].problems()[0] == (
        "nội dung đã bị thay đổi sau khi ký (chữ ký không còn khớp)"
    )
    assert report.summary().startswith("KHÔNG HỢP LỆ")


def test_page_appended_after_signing_is_detected(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    """#6.5: a page added by an incremental update after signing is reported."""
    report = verify_pdf(append_page(leader_then_seal(report_pdf, p12, now)), roots, now)
    assert report.intact and not report.valid
    assert all(sig.modified_after_signing for sig in report.signatures)
    assert "tài liệu đã bị sửa đổi sau khi ký" in report.summary()


def test_without_trust_roots_nothing_is_trusted(
    report_pdf: bytes, p12: P12, now: datetime
) -> None:
    """#6.5: chain to configured trust roots; none configured means not valid."""
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("leader"))
    report = verify_pdf(signed, [], now)
    assert report.intact and not report.trusted and not report.valid


def test_self_signed_certificate_is_not_trusted(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("untrusted"))
    report = verify_pdf(signed, roots, now)
    assert not report.trusted
    assert report.signatures[0].problems() == [
        "chứng thư số không thuộc tổ chức cung cấp dịch vụ tin cậy hoặc đã hết hạn"
    ]


def test_revoked_certificate_is_reported(
    report_pdf: bytes,
    roots: list[bytes],
    p12: P12,
    now: datetime,
    pki: Callable[[str], bytes],
) -> None:
    """#6.5: revocation when available (CRL of the issuing CA)."""
    crls = [pki("intermediate.crl"), pki("root.crl")]
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("revoked"))
    (sig,) = verify_pdf(signed, roots, now, crls=crls).signatures
    assert sig.revoked and sig.revocation_checked and not sig.ok
    assert sig.problems() == ["chứng thư số đã bị thu hồi"]
    good = sign_pdf(report_pdf, SignRequest(now=now), p12("leader"))
    report = verify_pdf(good, roots, now, crls=crls)
    assert report.valid and report.signatures[0].revocation_checked


def test_unsigned_pdf_is_not_valid(
    report_pdf: bytes, roots: list[bytes], now: datetime
) -> None:
    report = verify_pdf(report_pdf, roots, now)
    assert not report.valid
    assert report.summary() == "KHÔNG HỢP LỆ: tài liệu không có chữ ký số."


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf", b"%PDF-1.7\n garbage"],
    ids=["empty", "text", "truncated"],
)
def test_not_a_pdf_is_refused(
    data: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    with pytest.raises(PdfInputError) as caught:
        verify_pdf(data, roots, now)
    assert caught.value.message == Code.KS001.format(what="cần kiểm tra")
    with pytest.raises(PdfInputError) as caught:
        sign_pdf(data, SignRequest(now=now), p12("leader"))
    assert caught.value.message == Code.KS001.format(what="cần ký")


def test_garbled_signature_container_is_not_valid(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    """A changed byte inside /Contents (the CMS itself) is caught too."""
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("leader"))
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    position = start + 3000  # inside the certificates and signature value
    digit = signed[position : position + 1]
    flipped = b"0" if digit != b"0" else b"1"
    garbled = signed[:position] + flipped + signed[position + 1 :]
    report = verify_pdf(garbled, roots, now)
    assert not report.valid
    assert report.summary().startswith("KHÔNG HỢP LỆ")
