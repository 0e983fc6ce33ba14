"""Detached CMS signatures over bytes (exchange packages), and their verification.

QCVN 125 packages travel as JSON, not PDF, so they are signed the way any
document outside a PDF is: a CMS ``SignedData`` (RFC 5652, PKCS#7) whose content
is left out ("detached"), computed over the exact bytes sent. Any
:class:`~baocao.signing.model.Signer` works (PKCS#12, PKCS#11 token, remote), the
certificate passes the same policy as PAdES signing (key size, validity, key
usage), and verification reports intact / valid / trusted like
:func:`~baocao.signing.verify_pdf`. Pure: bytes and ``now`` in, bytes or a report
out.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms
from baocao.signing._asn1 import load_certificate, to_der
from baocao.signing._hanko import ProtocolSigner
from baocao.signing.errors import Code, SigningError
from baocao.signing.model import Signer
from baocao.signing.policy import check_certificate, check_digest, subject_fields
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

__all__ = ["DetachedReport", "sign_detached", "verify_detached"]


@dataclass(frozen=True, slots=True)
class DetachedReport:
    """What holds for one detached signature over some bytes."""

    intact: bool
    """The digest in the signature matches the bytes (nothing was changed)."""
    valid: bool
    """The signature over the signed attributes is cryptographically valid."""
    trusted: bool
    """The certificate chains to one of the given trust roots at ``now``."""
    signer_name: str
    """Common name of the signing certificate."""
    organisation: str
    """Organisation (O) of the signing certificate."""
    certificate_sha256: str
    """SHA-256 of the signing certificate (DER)."""
    signing_time: datetime | None
    """The time the signer claimed (signed attribute)."""

    @property
    def ok(self) -> bool:
        """Intact, valid and trusted."""
        return self.intact and self.valid and self.trusted

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the outbox page and the API)."""
        return {
            "ok": self.ok,
            "intact": self.intact,
            "valid": self.valid,
            "trusted": self.trusted,
            "signer_name": self.signer_name,
            "organisation": self.organisation,
            "certificate_sha256": self.certificate_sha256,
            "signing_time": self.signing_time.isoformat()
            if self.signing_time
            else None,
        }


def sign_detached(
    data: bytes, signer: Signer, now: datetime, digest_algorithm: str = "sha256"
) -> bytes:
    """A detached CMS signature (DER) of ``data`` with ``signer``'s key.

    :param now: the signing time written into the signature (aware); the
        certificate must be valid then.
    :raises CertificatePolicyError: KS020-KS026 for a certificate the policy refuses.
    :raises SigningError: KS050 when the backend fails to sign.
    """
    digest = check_digest(digest_algorithm)
    check_certificate(load_certificate(signer.certificate), now)
    hanko = ProtocolSigner(signer)
    coroutine = hanko.async_sign_general_data(
        data,
        digest,
        detached=True,
        signed_attr_settings=PdfCMSSignedAttributes(signing_time=now),
    )
    try:
        content_info = asyncio.run(coroutine)
    except (ValueError, TypeError, OSError) as err:
        raise SigningError(Code.KS050, reason="khóa ký không ký được dữ liệu") from err
    return bytes(content_info.dump())


def verify_detached(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[bytes],
    now: datetime,
) -> DetachedReport:
    """Check a detached CMS signature (DER or PEM) against ``data``.

    :param trust_roots: root certificates (PEM or DER); with none, nothing is trusted.
    :param now: validation time (aware).
    :raises SigningError: KS064 when ``signature`` is not a CMS SignedData.
    """
    try:
        content_info = cms.ContentInfo.load(to_der(signature))
        kind = content_info["content_type"].native
        signed_data = content_info["content"]
        signed_data.native  # noqa: B018 - force parsing now, not later
    except (ValueError, TypeError, KeyError) as err:
        raise SigningError(Code.KS064) from err
    if kind != "signed_data":
        raise SigningError(Code.KS064)
    context = ValidationContext(
        trust_roots=[load_certificate(r, "chứng thư gốc") for r in trust_roots],
        moment=now,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    status = asyncio.run(
        async_validate_detached_cms(
            data, signed_data, signer_validation_context=context
        )
    )
    name, organisation = subject_fields(status.signing_cert)
    return DetachedReport(
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        signer_name=name,
        organisation=organisation,
        certificate_sha256=hashlib.sha256(status.signing_cert.dump()).hexdigest(),
        signing_time=status.signer_reported_dt,
    )
