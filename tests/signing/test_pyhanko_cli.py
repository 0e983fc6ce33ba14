"""Our signatures validate with pyHanko's own command line (issue #6, done-when)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from baocao.signing import Appearance, Pkcs12Signer, SignRequest, demo_image, sign_pdf
from signing_support import pyhanko_validate

P12 = Callable[[str], Pkcs12Signer]


def test_leader_and_seal_b_t_validate_with_pyhanko(
    *,
    report_pdf: bytes,
    p12: P12,
    now: datetime,
    tsa_url: str,
    tmp_path: Path,
    pki_dir: Path,
) -> None:
    leader = sign_pdf(
        report_pdf,
        SignRequest(
            now=now,
            appearance=Appearance.SIGNATURE,
            image=demo_image("signature"),
            timestamp_url=tsa_url,
        ),
        p12("leader"),
    )
    both = sign_pdf(
        leader,
        SignRequest(
            now=now,
            appearance=Appearance.SEAL,
            image=demo_image("seal"),
            timestamp_url=tsa_url,
        ),
        p12("seal"),
    )
    result = pyhanko_validate(both, tmp_path, pki_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = [line.rsplit(":", 1)[-1] for line in result.stdout.split()]
    assert verdicts == ["VALID", "VALID"]


def test_tampered_copy_is_invalid_for_pyhanko(
    p12: P12,
    now: datetime,
    tmp_path: Path,
    pki_dir: Path,
    pdf_maker: Callable[..., bytes],
) -> None:
    signed = sign_pdf(pdf_maker(amount="1000"), SignRequest(now=now), p12("leader"))
    result = pyhanko_validate(
        signed.replace(b"Tong so: 1000", b"Tong so: 1009"), tmp_path, pki_dir
    )
    assert result.returncode != 0
    assert "INVALID" in result.stdout
