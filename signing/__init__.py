"""PAdES signing and verification around pyHanko. Pure code: bytes in, bytes out.

The platform calls :func:`attach_data` (bind the submission data), then
:func:`sign_pdf` once per signer (leader, then agency seal), and
:func:`verify_pdf` whenever a signed PDF is uploaded or received. Remote signing
services (two-phase) go through :func:`begin_remote_signing` and
:func:`finish_remote_signing`. The only network I/O is what a request asks for: a
timestamp authority URL, a remote signing service, a PKCS#11 token.
"""

import hashlib
from importlib import resources

from baocao.signing._asn1 import load_certificate
from baocao.signing.binding import (
    DATA_FILE_NAME,
    AttachedData,
    attach_data,
    canonical_json,
    read_attached_data,
)
from baocao.signing.detached import DetachedReport, sign_detached, verify_detached
from baocao.signing.errors import (
    CertificatePolicyError,
    Code,
    KeyAccessError,
    PdfInputError,
    RemoteSigningError,
    SigningError,
    TimestampError,
)
from baocao.signing.model import Appearance, Box, LongTermMaterial, Signer, SignRequest
from baocao.signing.pki import DemoPki, build_demo_pki
from baocao.signing.remote import (
    HttpRemoteSigningClient,
    PendingSignature,
    RemoteSigner,
    begin_remote_signing,
    finish_remote_signing,
)
from baocao.signing.report import SignatureReport, VerificationReport
from baocao.signing.sign import sign_pdf
from baocao.signing.signers import Pkcs11Signer, Pkcs12Signer, open_pkcs11_signer
from baocao.signing.verify import verify_pdf

__all__ = [
    "DATA_FILE_NAME",
    "Appearance",
    "AttachedData",
    "Box",
    "CertificatePolicyError",
    "Code",
    "DemoPki",
    "DetachedReport",
    "HttpRemoteSigningClient",
    "KeyAccessError",
    "LongTermMaterial",
    "PdfInputError",
    "PendingSignature",
    "Pkcs11Signer",
    "Pkcs12Signer",
    "RemoteSigner",
    "RemoteSigningError",
    "SignRequest",
    "SignatureReport",
    "Signer",
    "SigningError",
    "TimestampError",
    "VerificationReport",
    "attach_data",
    "begin_remote_signing",
    "build_demo_pki",
    "canonical_json",
    "certificate_sha256",
    "demo_image",
    "finish_remote_signing",
    "open_pkcs11_signer",
    "read_attached_data",
    "sign_detached",
    "sign_pdf",
    "verify_detached",
    "verify_pdf",
]


def certificate_sha256(certificate: bytes) -> str:
    """Hex SHA-256 of a certificate (PEM or DER), as in ``SignatureReport``.

    The platform stores it per user to check that a signature was made with the
    acting user's certificate.
    """
    return hashlib.sha256(load_certificate(certificate).dump()).hexdigest()


def demo_image(kind: str) -> bytes:
    """The demo ``"signature"`` (blue) or ``"seal"`` (red) PNG of the package."""
    if kind not in {"signature", "seal"}:
        raise ValueError(kind)
    return resources.files(__name__).joinpath("assets", f"demo_{kind}.png").read_bytes()
