"""Signing policy (issue #6 item 4, Thông tư 15/2025): keys, digest, validity, usage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from baocao.signing import (
    CertificatePolicyError,
    Code,
    KeyAccessError,
    Pkcs12Signer,
    SignRequest,
    sign_pdf,
)

P12 = Callable[[str], Pkcs12Signer]


@pytest.mark.parametrize(
    ("name", "code", "fields"),
    [
        ("weak_rsa", Code.KS020, {"subject": "Khóa RSA yếu", "bits": 1024}),
        ("weak_ec", Code.KS021, {"subject": "Khóa ECDSA yếu", "bits": 224}),
        (
            "expired",
            Code.KS025,
            {"subject": "Phạm Thị Dung", "end": "01/01/2024 00:00:00"},
        ),
        ("no_usage", Code.KS026, {"subject": "Sai mục đích khóa"}),
    ],
    ids=["rsa-1024", "ecdsa-224", "expired", "key-usage"],
)
def test_certificate_refused(
    *,
    name: str,
    code: Code,
    fields: dict[str, object],
    report_pdf: bytes,
    p12: P12,
    now: datetime,
) -> None:
    """#6.4: refuse RSA < 2048, ECDSA < 256, expired or non-signing certificates."""
    with pytest.raises(CertificatePolicyError) as caught:
        sign_pdf(report_pdf, SignRequest(now=now), p12(name))
    assert caught.value.code == code.name
    assert caught.value.message == code.format(**fields)


def test_not_yet_valid_certificate_refused(report_pdf: bytes, p12: P12) -> None:
    early = datetime(2025, 12, 31, tzinfo=UTC)
    with pytest.raises(CertificatePolicyError) as caught:
        sign_pdf(report_pdf, SignRequest(now=early), p12("leader"))
    assert caught.value.message == Code.KS024.format(
        subject="Nguyễn Văn An", start="01/01/2026 00:00:00"
    )


@pytest.mark.parametrize("algorithm", ["sha1", "SHA-1", "md5"], ids=str)
def test_weak_digest_refused(
    algorithm: str, report_pdf: bytes, p12: P12, now: datetime
) -> None:
    with pytest.raises(CertificatePolicyError) as caught:
        sign_pdf(
            report_pdf, SignRequest(now=now, md_algorithm=algorithm), p12("leader")
        )
    assert caught.value.message == Code.KS023.format(algorithm=algorithm)


def test_wrong_passphrase_is_a_clear_error(pki: Callable[[str], bytes]) -> None:
    with pytest.raises(KeyAccessError) as caught:
        Pkcs12Signer.load(pki("leader.p12"), "sai-mat-khau")
    assert caught.value.message == Code.KS010.format()


def test_signer_repr_hides_the_key(p12: P12) -> None:
    """The passphrase is never stored and the key never printed."""
    signer = p12("leader")
    assert repr(signer) == "Pkcs12Signer(<khóa bí mật ẩn>)"
    assert not any("passphrase" in slot for slot in Pkcs12Signer.__slots__)
