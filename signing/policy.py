"""The signing policy checked before any key is used (Thông tư 15/2025, DESIGN §7).

RSA keys of at least 2048 bits or ECDSA keys of at least 256 bits, digests of the
SHA-2 family or stronger, a certificate inside its validity period whose key usage
allows signing. A refusal names the certificate and says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from asn1crypto import x509
from baocao.signing.errors import CertificatePolicyError, Code

__all__ = ["ALLOWED_DIGESTS", "check_certificate", "check_digest", "subject_fields"]

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
ALLOWED_DIGESTS = frozenset(
    {"sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512"}
)
VIETNAM_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"


def subject_fields(certificate: x509.Certificate) -> tuple[str, str]:
    """``(common name, organisation)`` of a certificate, empty when absent."""
    native = certificate.subject.native
    name = native.get("common_name", "")
    organisation = native.get("organization_name", "")
    if isinstance(organisation, list):
        organisation = organisation[0] if organisation else ""
    return str(name), str(organisation)


def check_digest(algorithm: str) -> str:
    """Return the normalised digest name or refuse SHA-1, MD5 and unknown ones.

    :raises CertificatePolicyError: KS023.
    """
    normalised = algorithm.lower().replace("-", "")
    if normalised not in ALLOWED_DIGESTS:
        raise CertificatePolicyError(Code.KS023, algorithm=algorithm)
    return normalised


def check_certificate(
    certificate: x509.Certificate,
    now: datetime,
    key_usage: Iterable[str] = ("digital_signature", "non_repudiation"),
) -> None:
    """Refuse a certificate whose key, validity or key usage breaks the policy.

    :param now: the signing time (aware).
    :param key_usage: the certificate must allow at least one of these.
    :raises CertificatePolicyError: KS020, KS021, KS022, KS024, KS025 or KS026.
    """
    subject = subject_fields(certificate)[0] or certificate.subject.human_friendly
    _check_key(certificate, subject)
    validity = certificate["tbs_certificate"]["validity"]
    start = validity["not_before"].native
    end = validity["not_after"].native
    if now < start:
        raise CertificatePolicyError(
            Code.KS024, subject=subject, start=start.strftime(VIETNAM_TIME_FORMAT)
        )
    if now > end:
        raise CertificatePolicyError(
            Code.KS025, subject=subject, end=end.strftime(VIETNAM_TIME_FORMAT)
        )
    usages = certificate.key_usage_value
    allowed = set(usages.native) if usages is not None else set()
    # No keyUsage extension means "any usage" (RFC 5280 §4.2.1.3).
    if usages is not None and not allowed & set(key_usage):
        raise CertificatePolicyError(Code.KS026, subject=subject)


def _check_key(certificate: x509.Certificate, subject: str) -> None:
    public_key = certificate.public_key
    kind = public_key.algorithm
    bits = public_key.bit_size
    if kind == "rsa":
        if bits < MIN_RSA_BITS:
            raise CertificatePolicyError(Code.KS020, subject=subject, bits=bits)
    elif kind == "ec":
        if bits < MIN_EC_BITS:
            raise CertificatePolicyError(Code.KS021, subject=subject, bits=bits)
    else:
        raise CertificatePolicyError(Code.KS022, subject=subject, kind=kind)
