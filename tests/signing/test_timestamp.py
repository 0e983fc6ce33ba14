"""PAdES B-T against a local timestamp authority, and B-LT with embedded CRLs.

Requirements: issue #6 items 1 (B-T, B-LT) and 9 (local TSA).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from baocao.signing import (
    CertificatePolicyError,
    Code,
    LongTermMaterial,
    Pkcs12Signer,
    SignRequest,
    TimestampError,
    sign_pdf,
    verify_pdf,
)

P12 = Callable[[str], Pkcs12Signer]
TSA_TIME = datetime(2026, 11, 28, 7, 0, 5, tzinfo=UTC)


def long_term(pki: Callable[[str], bytes]) -> LongTermMaterial:
    return LongTermMaterial(
        trust_roots=(pki("root.pem"),),
        crls=(pki("intermediate.crl"), pki("root.crl")),
    )


def test_b_t_carries_the_tsa_time(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime, tsa_url: str
) -> None:
    signed = sign_pdf(
        report_pdf, SignRequest(now=now, timestamp_url=tsa_url), p12("leader")
    )
    report = verify_pdf(signed, roots, now)
    assert report.valid
    (sig,) = report.signatures
    assert sig.level == "B-T"
    assert sig.signing_time == TSA_TIME


def test_b_lt_embeds_revocation_data(
    *,
    report_pdf: bytes,
    roots: list[bytes],
    p12: P12,
    now: datetime,
    tsa_url: str,
    pki: Callable[[str], bytes],
) -> None:
    """B-LT: the CRLs travel in the document, so verification needs none given."""
    request = SignRequest(now=now, timestamp_url=tsa_url, long_term=long_term(pki))
    signed = sign_pdf(report_pdf, request, p12("leader"))
    assert b"/DSS" in signed
    report = verify_pdf(signed, roots, now)
    assert report.valid
    (sig,) = report.signatures
    assert sig.level == "B-LT" and sig.revocation_checked


def test_b_lt_refuses_a_revoked_signer(
    report_pdf: bytes,
    p12: P12,
    now: datetime,
    tsa_url: str,
    pki: Callable[[str], bytes],
) -> None:
    request = SignRequest(now=now, timestamp_url=tsa_url, long_term=long_term(pki))
    with pytest.raises(CertificatePolicyError) as caught:
        sign_pdf(report_pdf, request, p12("revoked"))
    assert caught.value.message == Code.KS027.format(subject="Lê Văn Cường")


def test_leader_b_t_then_seal_b_t(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime, tsa_url: str
) -> None:
    first = sign_pdf(
        report_pdf, SignRequest(now=now, timestamp_url=tsa_url), p12("leader")
    )
    both = sign_pdf(first, SignRequest(now=now, timestamp_url=tsa_url), p12("seal"))
    report = verify_pdf(both, roots, now)
    assert report.valid
    assert [sig.level for sig in report.signatures] == ["B-T", "B-T"]


def test_unreachable_tsa_is_a_clear_error(
    report_pdf: bytes, p12: P12, now: datetime
) -> None:
    url = "http://127.0.0.1:9/tsa"
    with pytest.raises(TimestampError) as caught:
        sign_pdf(
            report_pdf,
            SignRequest(now=now, timestamp_url=url, timestamp_timeout=2),
            p12("leader"),
        )
    assert caught.value.message == Code.KS030.format(url=url)
