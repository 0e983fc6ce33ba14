"""Detached CMS signatures of exchange packages (issue #7 item 6, DESIGN.md §7-8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from baocao.signing import (
    CertificatePolicyError,
    Pkcs12Signer,
    SigningError,
    sign_detached,
    verify_detached,
)
from baocao.signing.errors import Code

DATA = '{"payload":{"o":[{"gia_tri":12,"o":"B!C5"}]},"type":"du_lieu_bao_cao"}'.encode()


@pytest.mark.parametrize("name", ["seal", "leader_ec"], ids=["rsa-seal", "ecdsa"])
def test_signature_verifies_against_the_same_bytes(
    name: str,
    p12: Callable[[str], Pkcs12Signer],
    roots: list[bytes],
    now: datetime,
) -> None:
    signature = sign_detached(DATA, p12(name), now)
    report = verify_detached(DATA, signature, roots, now)
    assert report.ok
    assert report.signing_time == now
    assert report.certificate_sha256 and report.signer_name
    assert DATA not in signature  # detached: the content is not embedded


def test_one_changed_byte_breaks_the_signature(
    p12: Callable[[str], Pkcs12Signer], roots: list[bytes], now: datetime
) -> None:
    signature = sign_detached(DATA, p12("seal"), now)
    report = verify_detached(DATA.replace(b"12", b"13"), signature, roots, now)
    assert not report.intact
    assert not report.ok


def test_unknown_root_is_not_trusted(
    p12: Callable[[str], Pkcs12Signer], pki: Callable[[str], bytes], now: datetime
) -> None:
    signature = sign_detached(DATA, p12("seal"), now)
    report = verify_detached(DATA, signature, [pki("untrusted.pem")], now)
    assert report.intact and report.valid
    assert not report.trusted
    assert not report.ok


def test_expired_certificate_is_refused_when_signing(
    p12: Callable[[str], Pkcs12Signer], now: datetime
) -> None:
    with pytest.raises(CertificatePolicyError) as caught:
        sign_detached(DATA, p12("expired"), now)
    assert caught.value.code == "KS025"


def test_garbage_is_not_a_signature(roots: list[bytes], now: datetime) -> None:
    with pytest.raises(SigningError) as caught:
        verify_detached(DATA, b"not a cms", roots, now + timedelta(seconds=1))
    assert caught.value.code == "KS064"
    assert caught.value.message == Code.KS064.format()
