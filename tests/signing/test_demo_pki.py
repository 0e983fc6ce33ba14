"""The demo chain the platform's ``baocao demo`` can use (issue #6, done-when)."""

from __future__ import annotations

from datetime import datetime

from baocao.signing import (
    Appearance,
    LongTermMaterial,
    Pkcs12Signer,
    SignRequest,
    build_demo_pki,
    certificate_sha256,
    demo_image,
    sign_pdf,
    verify_pdf,
)


def test_demo_chain_signs_leader_and_seal(report_pdf: bytes, now: datetime) -> None:
    pki = build_demo_pki(now, b"demo")
    leader = Pkcs12Signer.load(pki.leader_p12, b"demo")
    seal = Pkcs12Signer.load(pki.seal_p12, b"demo")
    material = LongTermMaterial(trust_roots=(pki.root_pem,), crls=(pki.crl_der,))
    signed = sign_pdf(
        report_pdf,
        SignRequest(
            now=now,
            appearance=Appearance.SIGNATURE,
            title="CHỦ TỊCH",
            image=demo_image("signature"),
            long_term=material,
        ),
        leader,
    )
    signed = sign_pdf(
        signed,
        SignRequest(now=now, appearance=Appearance.SEAL, image=demo_image("seal")),
        seal,
    )
    report = verify_pdf(signed, [pki.root_pem], now)
    assert report.valid
    first = report.signatures[0]
    assert first.signer_name == "Nguyễn Văn An"
    assert first.certificate_sha256 == certificate_sha256(leader.certificate)
    assert report.signatures[1].certificate_sha256 != first.certificate_sha256


def test_extra_leaders_share_the_demo_chain(report_pdf: bytes, now: datetime) -> None:
    """One certificate per demo account, all under the same trusted root."""
    pki = build_demo_pki(
        now, b"demo", leaders=[("Lãnh đạo 28249", "Đơn vị 28249 tỉnh Đồng Tháp")]
    )
    (extra,) = pki.leaders_p12
    signer = Pkcs12Signer.load(extra, b"demo")
    signed = sign_pdf(report_pdf, SignRequest(now=now), signer)
    report = verify_pdf(signed, [pki.root_pem], now)
    assert report.valid
    assert (report.signatures[0].signer_name, report.signatures[0].organisation) == (
        "Lãnh đạo 28249",
        "Đơn vị 28249 tỉnh Đồng Tháp",
    )
