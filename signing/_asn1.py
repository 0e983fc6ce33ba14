"""PEM/DER helpers shared by signing and verification (internal)."""

from __future__ import annotations

from asn1crypto import pem, x509
from baocao.signing.errors import Code, SigningError


def to_der(data: bytes) -> bytes:
    """DER bytes from DER or PEM input (the first PEM block)."""
    if pem.detect(data):
        _, _, der = pem.unarmor(data)
        return bytes(der)
    return data


def load_certificate(data: bytes, what: str = "chứng thư số") -> x509.Certificate:
    """Parse a PEM or DER certificate.

    :raises SigningError: KS063 when the bytes are not a certificate.
    """
    try:
        certificate = x509.Certificate.load(to_der(data))
        certificate.native  # noqa: B018 - force parsing now, not later
    except (ValueError, TypeError, OSError) as err:
        raise SigningError(Code.KS063, what=what) from err
    return certificate
