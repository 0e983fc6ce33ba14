"""Signer backends: a PKCS#12 file supplied at signing time, and a PKCS#11 token.

Both satisfy :class:`baocao.signing.model.Signer`. Neither keeps anything on disk:
the PKCS#12 bytes and passphrase are used once to build the in-memory key, and the
passphrase is neither stored on the object nor shown by ``repr`` or logs. The remote
(two-phase) backend lives in :mod:`baocao.signing.remote`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from baocao.signing.errors import Code, KeyAccessError
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

__all__ = ["Pkcs11Signer", "Pkcs12Signer", "open_pkcs11_signer"]

logger = logging.getLogger(__name__)

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}


def _der(certificate: pyca_x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


class Pkcs12Signer:
    """A key and certificate loaded from PKCS#12 bytes for one signing session.

    Build it with :meth:`load` right before signing and drop it afterwards.
    """

    __slots__ = ("_certificate", "_chain", "_key")

    def __init__(
        self,
        key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        certificate: bytes,
        chain: Sequence[bytes] = (),
    ) -> None:
        self._key = key
        self._certificate = certificate
        self._chain = tuple(chain)

    @classmethod
    def load(cls, data: bytes, passphrase: bytes | str) -> Pkcs12Signer:
        """Open a PKCS#12 (.p12/.pfx) archive.

        :raises KeyAccessError: KS010 when the passphrase is wrong, the file is
            damaged, or it holds no RSA/ECDSA key with its certificate.
        """
        secret = (
            passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        )
        try:
            key, certificate, others = pkcs12.load_key_and_certificates(data, secret)
        except (ValueError, TypeError) as err:
            raise KeyAccessError(Code.KS010) from err
        if certificate is None or not isinstance(
            key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
        ):
            raise KeyAccessError(Code.KS010)
        return cls(key, _der(certificate), [_der(other) for other in others])

    def __repr__(self) -> str:
        return "Pkcs12Signer(<khóa bí mật ẩn>)"

    @property
    def certificate(self) -> bytes:
        """The signer's certificate (DER)."""
        return self._certificate

    @property
    def chain(self) -> Sequence[bytes]:
        """CA certificates found in the archive (DER)."""
        return self._chain

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """RSA PKCS#1 v1.5 or DER ECDSA signature of ``data``."""
        algorithm = _HASHES[digest_algorithm]()
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), algorithm)
        return self._key.sign(data, ec.ECDSA(algorithm))


class Pkcs11Signer:
    """A key on a PKCS#11 token (USB token, HSM; SoftHSM2 in tests).

    Use :func:`open_pkcs11_signer`, which opens and closes the session.
    """

    __slots__ = ("_certificate", "_chain", "_inner")

    def __init__(
        self, inner: object, certificate: bytes, chain: Sequence[bytes]
    ) -> None:
        self._inner = inner
        self._certificate = certificate
        self._chain = tuple(chain)

    def __repr__(self) -> str:
        return "Pkcs11Signer(<token>)"

    @property
    def certificate(self) -> bytes:
        """The signer's certificate (DER), from the token or from the caller."""
        return self._certificate

    @property
    def chain(self) -> Sequence[bytes]:
        """CA certificates supplied by the caller (DER)."""
        return self._chain

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Let the token hash and sign ``data`` (pyHanko picks the mechanism)."""
        signature: bytes = await self._inner.async_sign_raw(  # type: ignore[attr-defined]
            data, digest_algorithm
        )
        return signature


@contextmanager
def open_pkcs11_signer(
    library: str,
    token_label: str,
    pin: str,
    key_label: str,
    *,
    certificate: bytes | None = None,
    chain: Sequence[bytes] = (),
) -> Iterator[Pkcs11Signer]:
    """Open a session on a token and yield a signer for one of its keys.

    :param library: path of the PKCS#11 module (e.g. ``libsofthsm2.so``).
    :param certificate: DER certificate of the key when the token holds none
        (otherwise it is read from the token under ``key_label``).
    :raises KeyAccessError: KS011 when the module, token, PIN or key is wrong.
    """
    # python-pkcs11 is imported only when a token is actually used.
    from asn1crypto import x509 as asn1_x509  # noqa: PLC0415
    from pkcs11 import exceptions as p11_errors  # noqa: PLC0415
    from pyhanko.config.pkcs11 import TokenCriteria  # noqa: PLC0415
    from pyhanko.sign import pkcs11 as hanko_pkcs11  # noqa: PLC0415

    failure = (p11_errors.PKCS11Error, OSError, RuntimeError, ValueError)
    try:
        session = hanko_pkcs11.open_pkcs11_session(
            library, token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except failure as err:
        raise KeyAccessError(
            Code.KS011, token=token_label, reason="không mở được phiên làm việc"
        ) from err
    try:
        signing_cert = asn1_x509.Certificate.load(certificate) if certificate else None
        inner = hanko_pkcs11.PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=key_label,
            signing_cert=signing_cert,
        )
        try:
            cert_der = inner.signing_cert.dump()
        except failure as err:
            raise KeyAccessError(
                Code.KS011,
                token=token_label,
                reason=f"không tìm thấy khóa '{key_label}'",
            ) from err
        yield Pkcs11Signer(inner, cert_der, chain)
    finally:
        session.close()
