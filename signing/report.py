"""The result of verifying a signed PDF, with its Vietnamese wording.

Plain frozen dataclasses: the web layer shows :meth:`VerificationReport.summary`,
the API and the CLI return :meth:`VerificationReport.to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.signing.appearance import format_time

__all__ = ["SignatureReport", "VerificationReport"]


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What holds for one signature."""

    field_name: str
    """Name of the signature field (``ChuKy1``…)."""
    signer_name: str
    """Common name of the signer's certificate."""
    organisation: str
    """Organisation (O) of the signer's certificate."""
    certificate_sha256: str
    """SHA-256 of the signer's certificate (DER), to match it to a user's."""
    signing_time: datetime | None
    """The timestamp token's time when present, else the time the signer claimed."""
    level: str
    """PAdES level found: ``B-B``, ``B-T`` or ``B-LT``."""
    intact: bool
    """The signed bytes are unchanged."""
    valid: bool
    """The signature (and its timestamp, if any) is cryptographically valid."""
    trusted: bool
    """The certificate chains to a configured trust root and is not revoked."""
    revoked: bool
    """Revocation data says the certificate (or a CA) was revoked."""
    revocation_checked: bool
    """Revocation data (CRL/OCSP) was available to the check."""
    covers_whole_document: bool
    """Nothing was appended after this signature."""
    modified_after_signing: bool
    """Something other than further signatures was changed after signing."""

    @property
    def ok(self) -> bool:
        """Every check holds."""
        return (
            self.intact
            and self.valid
            and self.trusted
            and not self.revoked
            and not self.modified_after_signing
        )

    def problems(self) -> list[str]:
        """What fails, in Vietnamese."""
        found = []
        if not self.intact:
            found.append("nội dung đã bị thay đổi sau khi ký (chữ ký không còn khớp)")
        elif not self.valid:
            found.append("chữ ký hoặc dấu thời gian không hợp lệ về mặt mật mã")
        if self.revoked:
            found.append("chứng thư số đã bị thu hồi")
        elif not self.trusted:
            found.append(
                "chứng thư số không thuộc tổ chức cung cấp dịch vụ tin cậy "
                "hoặc đã hết hạn"
            )
        if self.intact and self.modified_after_signing:
            found.append("tài liệu đã bị sửa đổi sau khi ký (thêm trang hoặc nội dung)")
        return found

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (times in ISO 8601, Vietnam time)."""
        return {
            "field": self.field_name,
            "name": self.signer_name,
            "organisation": self.organisation,
            "time": None
            if self.signing_time is None
            else format_time(self.signing_time),
            "level": self.level,
            "intact": self.intact,
            "valid": self.ok,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "revocation_checked": self.revocation_checked,
            "covers_whole_document": self.covers_whole_document,
            "modified_after_signing": self.modified_after_signing,
            "certificate_sha256": self.certificate_sha256,
            "problems": self.problems(),
        }


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The verdict on a whole document."""

    signatures: tuple[SignatureReport, ...]
    """One report per signature, in signing order."""
    attached_data_sha256: str | None = None
    """SHA-256 of the submission data attached before signing, if any."""

    @property
    def valid(self) -> bool:
        """Signed, and every signature holds."""
        return bool(self.signatures) and all(sig.ok for sig in self.signatures)

    @property
    def intact(self) -> bool:
        """Signed, and no signed byte changed."""
        return bool(self.signatures) and all(sig.intact for sig in self.signatures)

    @property
    def trusted(self) -> bool:
        """Signed, and every certificate reaches a trust root."""
        return bool(self.signatures) and all(
            sig.trusted and not sig.revoked for sig in self.signatures
        )

    def summary(self) -> str:
        """A few Vietnamese lines for the person receiving the report."""
        if not self.signatures:
            return "KHÔNG HỢP LỆ: tài liệu không có chữ ký số."
        head = (
            "HỢP LỆ: tài liệu còn nguyên vẹn, mọi chữ ký số đều hợp lệ."
            if self.valid
            else "KHÔNG HỢP LỆ: có chữ ký số không đạt kiểm tra."
        )
        lines = [head]
        for index, sig in enumerate(self.signatures, start=1):
            when = (
                "không rõ"
                if sig.signing_time is None
                else format_time(sig.signing_time)
            )
            who = sig.signer_name or "(không đọc được)"
            if sig.organisation and sig.organisation != sig.signer_name:
                who = f"{who} — {sig.organisation}"
            verdict = "hợp lệ" if sig.ok else "; ".join(sig.problems())
            lines.append(
                f"{index}. {who}, ký lúc {when} ({sig.level or '?'}): {verdict}."
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form used by ``baocao verify`` and the API."""
        return {
            "valid": self.valid,
            "intact": self.intact,
            "trusted": self.trusted,
            "signers": [sig.to_dict() for sig in self.signatures],
            "attached_data_sha256": self.attached_data_sha256,
            "summary": self.summary(),
        }
