"""Accounts' signing certificates and the signed PDFs kept with submissions.

Two registers the signing step relies on (issue #6, items 6 and 7):

- which certificate each account signs with: only the public certificate is
  registered (by a unit admin on the account page, by the user on their own
  page, or by the demo seeding), so that "signed by the acting user" is a
  comparison of SHA-256 fingerprints;
- which signed PDFs were accepted into a chain (append-only, Đ.19), and the
  check :func:`baocao.platform.services.workflow.act` makes before a ``sign``
  at a step requiring a signature completes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from baocao.platform.models.signatures import SignedDocument, UserCertificate
from baocao.platform.models.workflow import Submission
from baocao.platform.services import audit
from baocao.platform.services.workflow_config import utc_naive
from baocao.schemas.errors import BaocaoError, Detail, DetailEnum
from baocao.signing import canonical_json, certificate_sha256
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

__all__ = [
    "SignatureCode",
    "SignatureFlowError",
    "bound_data",
    "bound_data_sha256",
    "certificates_of",
    "check_reference",
    "current_document",
    "register_certificate",
    "registered_fingerprints",
    "withdraw_certificate",
]


class SignatureCode(DetailEnum):
    """Codes of the signing step (``KY`` = ký số), shown to users."""

    KY001 = Detail(
        "foreign certificate",
        "Chữ ký số trên tệp là của '{signer}' (chứng thư {fingerprint}…), không phải "
        "chứng thư số đã đăng ký cho tài khoản '{username}'. Người thực hiện bước ký "
        "phải tự ký bằng chứng thư của mình; nếu đây đúng là chứng thư của anh/chị, "
        "hãy đăng ký nó tại trang 'Chứng thư số' (hoặc nhờ quản trị đơn vị) rồi ký lại.",
    )
    KY002 = Detail(
        "no certificate registered",
        "Tài khoản '{username}' chưa đăng ký chứng thư số nào nên chưa thể ký báo "
        "cáo. Hãy tải chứng thư số (.cer/.pem, chỉ phần công khai) lên trang "
        "'Chứng thư số' hoặc nhờ quản trị đơn vị đăng ký cho tài khoản.",
    )
    KY003 = Detail(
        "signature not valid",
        "Tệp PDF đã ký không hợp lệ: {problems}. Báo cáo chưa được ký. Hãy ký lại "
        "bằng chứng thư số còn hạn do tổ chức cung cấp dịch vụ tin cậy cấp.",
    )
    KY004 = Detail(
        "data mismatch",
        "Số liệu gắn trong tệp PDF đã ký (mã băm {found}) khác số liệu hiện tại của "
        "báo cáo (mã băm {expected}). Hãy tải 'PDF để ký' mới nhất, ký lại rồi tải lên.",
    )
    KY005 = Detail(
        "no data in pdf",
        "Tệp PDF đã ký không chứa số liệu báo cáo (tệp baocao-data.json). Hãy tải "
        "'PDF để ký' của báo cáo này trên hệ thống, ký tệp đó rồi tải lên.",
    )
    KY006 = Detail(
        "unknown signature reference",
        "Bước '{step}' yêu cầu chữ ký số: chưa có tệp PDF đã ký hợp lệ của "
        "'{username}' cho số liệu hiện tại (mã '{reference}'). Hãy dùng mục 'Ký số' "
        "trên trang báo cáo (tệp .p12 hoặc tệp PDF đã ký bằng USB token).",
    )
    KY007 = Detail(
        "missing input",
        "Hãy chọn {what}. Ký số cần tệp chứng thư .p12 kèm mật khẩu, hoặc tệp PDF "
        "đã ký sẵn.",
    )
    KY008 = Detail(
        "certificate already registered",
        "Chứng thư số {fingerprint}… đã được đăng ký cho tài khoản '{username}'.",
    )
    KY009 = Detail(
        "certificate not found",
        "Không tìm thấy chứng thư số {fingerprint} của tài khoản '{username}'.",
    )
    KY010 = Detail(
        "nothing signed",
        "Báo cáo chưa có tệp PDF đã ký số. Tệp chỉ có sau khi lãnh đạo ký ở bước ký.",
    )
    KY011 = Detail(
        "first signature broken",
        "Chữ ký thứ nhất (của lãnh đạo) không còn hợp lệ sau khi đóng dấu: "
        "{problems}. Hãy đóng dấu vào đúng tệp đã ký của báo cáo.",
    )


class SignatureFlowError(BaocaoError):
    """A signature cannot be accepted into the chain (422 unless said)."""

    http_status = 422

    def __init__(self, code: SignatureCode, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)
        self.fields = fields


class SignatureNotFoundError(SignatureFlowError):
    """No signed PDF, or no such certificate."""

    http_status = 404


# --- certificates --------------------------------------------------------------


def _describe(certificate: bytes) -> dict[str, Any]:
    """Fingerprint, subject and validity of a PEM/DER certificate.

    :raises SigningError: KS063 (422) when the bytes are not a certificate.
    """
    fingerprint = certificate_sha256(certificate)
    # Never strip DER: its last byte may well be 0x0a or 0x20.
    parsed = (
        x509.load_pem_x509_certificate(certificate.strip())
        if b"-----BEGIN" in certificate
        else x509.load_der_x509_certificate(certificate)
    )

    def attribute(oid: x509.ObjectIdentifier) -> str:
        found = parsed.subject.get_attributes_for_oid(oid)
        return str(found[0].value) if found else ""

    return {
        "sha256": fingerprint,
        "pem": parsed.public_bytes(Encoding.PEM).decode("ascii"),
        "subject": attribute(NameOID.COMMON_NAME),
        "organisation": attribute(NameOID.ORGANIZATION_NAME),
        "not_after": parsed.not_valid_after_utc.replace(tzinfo=None),
    }


def register_certificate(
    username: str, certificate: bytes, *, actor: str, now: datetime
) -> UserCertificate:
    """Register the public certificate ``username`` signs with.

    :raises SigningError: KS063 (422) the file is not a certificate.
    :raises SignatureFlowError: KY008 (422) already registered.
    """
    fields = _describe(certificate)
    found = UserCertificate.objects(username=username, sha256=fields["sha256"]).first()
    if found is not None and found.withdrawn_at is None:
        raise SignatureFlowError(
            SignatureCode.KY008, fingerprint=fields["sha256"][:16], username=username
        )
    if found is not None:
        found.withdrawn_at = None
        found.save()
        record = found
    else:
        record = UserCertificate(
            username=username,
            registered_by=actor,
            registered_at=utc_naive(now),
            **fields,
        )
        record.save()
    audit.record(
        actor,
        "certificate.register",
        f"account:{username}",
        now=now,
        details={"sha256": fields["sha256"], "subject": fields["subject"]},
    )
    return record


def withdraw_certificate(
    username: str, fingerprint: str, *, actor: str, now: datetime
) -> None:
    """Stop accepting signatures by this certificate for ``username``.

    :raises SignatureNotFoundError: KY009 (404).
    """
    found = UserCertificate.objects(
        username=username, sha256=fingerprint, withdrawn_at=None
    ).first()
    if found is None:
        raise SignatureNotFoundError(
            SignatureCode.KY009, fingerprint=fingerprint, username=username
        )
    found.withdrawn_at = utc_naive(now)
    found.save()
    audit.record(
        actor,
        "certificate.withdraw",
        f"account:{username}",
        now=now,
        details={"sha256": fingerprint},
    )


def certificates_of(username: str) -> list[UserCertificate]:
    """The account's certificates, newest first (withdrawn ones included)."""
    return list(UserCertificate.objects(username=username).order_by("-registered_at"))


def registered_fingerprints(username: str) -> set[str]:
    """SHA-256 of the certificates ``username`` may sign with now."""
    return {
        c.sha256
        for c in UserCertificate.objects(username=username, withdrawn_at=None).only(
            "sha256"
        )
    }


# --- signed documents ------------------------------------------------------------


def bound_data(sub: Submission) -> dict[str, Any]:
    """What is attached to the PDF before signing: the data (cells and the
    narrative text) with its identity.

    The identity (regime, period, unit, form version) keeps a signed PDF of one
    submission from being reused for another that happens to hold the same data.
    """
    return {
        "submission": str(sub.pk),
        "regime": sub.regime_id,
        "period": sub.period_key,
        "unit": sub.unit,
        "form": sub.form_id,
        "form_version": sub.form_version,
        "data": sub.get_data(),
        "narrative": sub.narrative or "",
    }


def bound_data_sha256(sub: Submission) -> str:
    """SHA-256 of :func:`bound_data` as ``signing.attach_data`` hashes it."""
    return _sha256_json(bound_data(sub))


def _sha256_json(value: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def current_document(sub: Submission) -> SignedDocument:
    """The submission's current signed PDF (latest seal, else the leader's).

    :raises SignatureNotFoundError: KY010 (404) not signed now.
    """
    found = None
    if sub.signature:
        found = SignedDocument.objects(
            submission_id=str(sub.pk), sha256=sub.signature
        ).first()
    if found is None:
        raise SignatureNotFoundError(SignatureCode.KY010)
    return found


def check_reference(sub: Submission, reference: str, username: str, step: str) -> None:
    """Refuse a ``sign`` whose reference is not a signed PDF accepted for this
    submission, by this user, over its current data.

    :raises SignatureFlowError: KY006 (422).
    """
    found = SignedDocument.objects(
        submission_id=str(sub.pk),
        sha256=(reference or "").strip(),
        signer=username,
        kind="leader",
        data_sha256=bound_data_sha256(sub),
    ).first()
    if found is None:
        raise SignatureFlowError(
            SignatureCode.KY006,
            step=step,
            username=username,
            reference=(reference or "")[:16],
        )


def store_document(
    sub: Submission,
    pdf: bytes,
    *,
    kind: str,
    source: str,
    signer: str,
    certificate: str,
    data_sha256: str,
    report: Mapping[str, Any],
    now: datetime,
) -> SignedDocument:
    """Keep a verified signed PDF (append-only) and return its record."""
    document = SignedDocument(
        submission_id=str(sub.pk),
        sha256=hashlib.sha256(pdf).hexdigest(),
        data_sha256=data_sha256,
        pdf=pdf,
        kind=kind,
        source=source,
        signer=signer,
        certificate_sha256=certificate,
        report=dict(report),
        created_at=utc_naive(now),
    )
    document.save()
    return document
