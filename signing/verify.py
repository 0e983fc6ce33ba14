"""Verify every signature of a PDF and say the result in Vietnamese (DESIGN.md §7).

For each signature: is the signed byte range unchanged (intact), is the CMS
signature cryptographically valid, does the certificate chain reach a configured
trust root at ``now`` (with revocation data when the caller or the document's DSS
provides it), when was it signed (the timestamp token's time when present), and was
the document changed after it beyond adding further signatures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from baocao.signing._asn1 import load_certificate, to_der
from baocao.signing.binding import read_attached_data
from baocao.signing.errors import Code, PdfInputError
from baocao.signing.policy import subject_fields
from baocao.signing.report import SignatureReport, VerificationReport
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

__all__ = ["SignatureReport", "VerificationReport", "verify_pdf"]

#: Changes after a signature that do not count as modifying what was signed:
#: further signatures, their widgets, and long-term validation data.
BENIGN = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


def verify_pdf(
    pdf: bytes,
    trust_roots: Sequence[bytes],
    now: datetime,
    crls: Sequence[bytes] = (),
    allow_fetching: bool = False,
) -> VerificationReport:
    """Verify all signatures of ``pdf``.

    :param trust_roots: root certificates (PEM or DER) the chains must reach; with
        none, no signature can be trusted and the document is not valid.
    :param now: validation time (aware).
    :param crls: extra CRLs (PEM or DER) besides the document's DSS.
    :param allow_fetching: let pyHanko download CRLs/OCSP (network I/O).
    :raises PdfInputError: KS001/KS002 when the file cannot be read.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        if reader.encrypted:
            raise PdfInputError(Code.KS002, what="cần kiểm tra")
        embedded = list(reader.embedded_regular_signatures)
        dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as err:
        raise PdfInputError(Code.KS001, what="cần kiểm tra") from err
    kwargs: dict[str, Any] = {
        "trust_roots": [
            load_certificate(root, "chứng thư gốc") for root in trust_roots
        ],
        "crls": [to_der(crl) for crl in crls],
        "moment": now,
        "allow_fetching": allow_fetching,
        "revocation_mode": "soft-fail",
    }
    revocation_known = bool(crls) or bool(dss and (dss.crls or dss.ocsps))
    dss_certs = frozenset(c.dump() for c in dss.load_certs()) if dss else frozenset()
    reports = tuple(
        _check(sig, _context(dss, kwargs), revocation_known, dss_certs)
        for sig in embedded
    )
    attached = read_attached_data(pdf)
    return VerificationReport(
        signatures=reports,
        attached_data_sha256=None if attached is None else attached.sha256,
    )


def _context(
    dss: DocumentSecurityStore | None, kwargs: dict[str, Any]
) -> ValidationContext:
    if dss is None:
        return ValidationContext(**kwargs)
    return dss.as_validation_context(kwargs)


def _check(
    sig: EmbeddedPdfSignature,
    context: ValidationContext,
    revocation_known: bool,
    dss_certs: frozenset[bytes],
) -> SignatureReport:
    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(
                key_usage={"digital_signature", "non_repudiation"},
                match_all_key_usages=False,
            ),
        )
    except (PdfError, ValueError, KeyError, TypeError):
        return _broken(sig)
    name, organisation = subject_fields(status.signing_cert)
    timestamp = status.timestamp_validity
    signing_time = (
        timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    )
    level = "B-B"
    if timestamp is not None:
        # B-LT only when this signer's certificate is in the DSS with its data.
        level = "B-LT" if status.signing_cert.dump() in dss_certs else "B-T"
    timestamp_ok = timestamp is None or (
        timestamp.intact and timestamp.valid and timestamp.trusted
    )
    return SignatureReport(
        field_name=sig.field_name,
        signer_name=name,
        organisation=organisation,
        certificate_sha256=hashlib.sha256(status.signing_cert.dump()).hexdigest(),
        signing_time=signing_time,
        level=level,
        intact=status.intact,
        valid=status.valid and timestamp_ok,
        trusted=status.trusted,
        revoked=status.revocation_details is not None,
        revocation_checked=revocation_known,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modified_after_signing=_modified(status),
    )


def _modified(status: PdfSignatureStatus) -> bool:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return True
    level = status.modification_level
    return level is None or level not in BENIGN or status.docmdp_ok is False


def _broken(sig: EmbeddedPdfSignature) -> SignatureReport:
    """A signature whose container cannot even be parsed: nothing holds."""
    return SignatureReport(
        field_name=sig.field_name,
        signer_name="",
        organisation="",
        certificate_sha256="",
        signing_time=None,
        level="",
        intact=False,
        valid=False,
        trusted=False,
        revoked=False,
        revocation_checked=False,
        covers_whole_document=False,
        modified_after_signing=True,
    )
