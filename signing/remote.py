"""Remote signing in two phases, as with VNPT SmartCA or Viettel MySign.

Phase one (:func:`begin_remote_signing`) prepares the PDF with an empty signature
container and returns a :class:`PendingSignature`: the digest to send to the
service plus everything needed to finish, as plain bytes the platform can store
while the signer confirms on their phone. Phase two (:func:`finish_remote_signing`)
checks the returned signature against the certificate and embeds it. The key never
leaves the provider.

:class:`HttpRemoteSigningClient` speaks a small JSON protocol (submit a digest, poll
for the signature) that provider adapters map onto their APIs; :class:`RemoteSigner`
wraps it as a one-shot :class:`~baocao.signing.model.Signer`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from asn1crypto import cms
from baocao.signing._asn1 import load_certificate
from baocao.signing._hanko import UrllibTimeStamper
from baocao.signing.errors import Code, RemoteSigningError, TimestampError
from baocao.signing.model import SignRequest
from baocao.signing.sign import _run, prepare, reserved_size
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509 import load_der_x509_certificate
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore

__all__ = [
    "HttpRemoteSigningClient",
    "PendingSignature",
    "RemoteSigner",
    "begin_remote_signing",
    "finish_remote_signing",
]

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True, slots=True)
class PendingSignature:
    """A document waiting for its signature from a remote service."""

    prepared_pdf: bytes
    """The PDF with the signature dictionary and an empty /Contents."""
    reserved_start: int
    """Offset of the reserved /Contents region."""
    reserved_end: int
    """End of the reserved /Contents region."""
    document_digest: bytes
    """Digest of the signed byte range."""
    md_algorithm: str
    """Digest algorithm of everything (sha256…)."""
    signed_attributes: bytes
    """DER of the CMS signed attributes the service signs."""
    certificate: bytes
    """The signer's certificate (DER)."""
    chain: tuple[bytes, ...] = ()
    """CA certificates to embed (DER)."""
    timestamp_url: str = ""
    """Timestamp authority for B-T, used when finishing."""
    timestamp_timeout: float = 10.0
    """Seconds to wait for the timestamp authority."""

    @property
    def digest_to_sign(self) -> bytes:
        """What goes to the service: the digest of the signed attributes."""
        return hashlib.new(self.md_algorithm, self.signed_attributes).digest()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for storing between the two phases."""

        def b64(data: bytes) -> str:
            return base64.b64encode(data).decode("ascii")

        return {
            "prepared_pdf": b64(self.prepared_pdf),
            "reserved_start": self.reserved_start,
            "reserved_end": self.reserved_end,
            "document_digest": b64(self.document_digest),
            "md_algorithm": self.md_algorithm,
            "signed_attributes": b64(self.signed_attributes),
            "certificate": b64(self.certificate),
            "chain": [b64(c) for c in self.chain],
            "timestamp_url": self.timestamp_url,
            "timestamp_timeout": self.timestamp_timeout,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PendingSignature:
        """Inverse of :meth:`to_dict`."""
        raw = base64.b64decode
        return cls(
            prepared_pdf=raw(data["prepared_pdf"]),
            reserved_start=data["reserved_start"],
            reserved_end=data["reserved_end"],
            document_digest=raw(data["document_digest"]),
            md_algorithm=data["md_algorithm"],
            signed_attributes=raw(data["signed_attributes"]),
            certificate=raw(data["certificate"]),
            chain=tuple(raw(c) for c in data["chain"]),
            timestamp_url=data["timestamp_url"],
            timestamp_timeout=data["timestamp_timeout"],
        )


def _external(
    certificate: bytes, chain: Sequence[bytes], value: bytes | int
) -> signers.ExternalSigner:
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple([load_certificate(c) for c in chain])
    return signers.ExternalSigner(
        load_certificate(certificate), store, signature_value=value
    )


def begin_remote_signing(
    pdf: bytes, request: SignRequest, certificate: bytes, chain: Sequence[bytes] = ()
) -> PendingSignature:
    """Phase one: policy checks, appearance, placeholder, digest to send.

    ``request.long_term`` is not supported here (B-LT needs the signature first);
    add revocation data later with a separate update if required.
    """
    prepared = prepare(pdf, request, certificate)
    key = load_certificate(certificate).public_key
    size = (key.bit_size + 7) // 8
    external = _external(
        certificate, chain, size if key.algorithm == "rsa" else 2 * size + 9
    )
    pdf_signer = signers.PdfSigner(
        prepared.metadata,
        external,
        timestamper=prepared.timestamper,
        stamp_style=prepared.stamp_style,
        new_field_spec=prepared.field_spec,
    )

    async def phase_one() -> PendingSignature:
        session = pdf_signer.init_signing_session(prepared.writer)
        session.system_time = request.now
        certificates = [external.signing_cert, *external.cert_registry]
        reserved = reserved_size(
            prepared, sum(len(c.dump()) for c in certificates if c)
        )
        tbs = session.prepare_tbs_document(
            validation_info=None, bytes_reserved=reserved
        )
        digest, output = tbs.digest_tbs_document()
        attributes = await external.signed_attrs(
            digest.document_digest,
            session.md_algorithm,
            attr_settings=PdfCMSSignedAttributes(signing_time=request.now),
            use_pades=True,
        )
        output.seek(0)
        return PendingSignature(
            prepared_pdf=bytes(output.read()),
            reserved_start=digest.reserved_region_start,
            reserved_end=digest.reserved_region_end,
            document_digest=digest.document_digest,
            md_algorithm=session.md_algorithm,
            signed_attributes=attributes.dump(),
            certificate=certificate,
            chain=tuple(chain),
            timestamp_url=request.timestamp_url,
            timestamp_timeout=request.timestamp_timeout,
        )

    return _run(phase_one(), request, prepared)


def finish_remote_signing(pending: PendingSignature, signature: bytes) -> bytes:
    """Phase two: check the service's signature, embed it, return the signed PDF.

    :param signature: raw signature over :attr:`PendingSignature.digest_to_sign`
        (PKCS#1 v1.5 for RSA; DER or raw ``r||s`` for ECDSA).
    :raises RemoteSigningError: KS041 when it does not verify with the certificate.
    :raises TimestampError: KS030 when the timestamp authority fails.
    """
    signature = _check_signature(pending, signature)
    external = _external(pending.certificate, pending.chain, signature)
    timestamper = (
        UrllibTimeStamper(pending.timestamp_url, pending.timestamp_timeout)
        if pending.timestamp_url
        else None
    )

    async def phase_two() -> bytes:
        container = await external.async_sign_prescribed_attributes(
            pending.md_algorithm,
            cms.CMSAttributes.load(pending.signed_attributes),
            timestamper=timestamper,
        )
        output = BytesIO(pending.prepared_pdf)
        prepared = PreparedByteRangeDigest(
            document_digest=pending.document_digest,
            reserved_region_start=pending.reserved_start,
            reserved_region_end=pending.reserved_end,
        )
        await PdfTBSDocument.async_finish_signing(output, prepared, container)
        return output.getvalue()

    try:
        return asyncio.run(phase_two())
    except TimestampRequestError as err:
        raise TimestampError(Code.KS030, url=pending.timestamp_url) from err


def _check_signature(pending: PendingSignature, signature: bytes) -> bytes:
    """Verify the returned signature; normalise raw ECDSA ``r||s`` to DER."""
    public_key = load_der_x509_certificate(pending.certificate).public_key()
    algorithm = utils.Prehashed(_HASHES[pending.md_algorithm]())
    digest = pending.digest_to_sign
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, digest, padding.PKCS1v15(), algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            size = (public_key.curve.key_size + 7) // 8
            if len(signature) == 2 * size:
                signature = utils.encode_dss_signature(
                    int.from_bytes(signature[:size], "big"),
                    int.from_bytes(signature[size:], "big"),
                )
            public_key.verify(signature, digest, ec.ECDSA(algorithm))
        else:
            raise RemoteSigningError(Code.KS041)
    except (InvalidSignature, ValueError) as err:
        raise RemoteSigningError(Code.KS041) from err
    return signature


class HttpRemoteSigningClient:
    """JSON over HTTP: ``POST {base}/sign`` then ``GET {base}/sign/{id}``.

    ``POST`` body: ``{"certificate_id", "digest" (base64), "digest_algorithm",
    "description"}`` → ``{"transaction_id"}``. ``GET`` → ``{"status": "pending" |
    "done" | "rejected", "signature" (base64, when done)}``.
    """

    def __init__(
        self, base_url: str, certificate_id: str, timeout: float = 10.0, token: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.certificate_id = certificate_id
        self.timeout = timeout
        self._token = token

    def __repr__(self) -> str:
        return f"HttpRemoteSigningClient({self.base_url!r})"

    def _call(self, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310
                answer = json.loads(reply.read())
        except (OSError, urllib.error.URLError, ValueError) as err:
            raise RemoteSigningError(
                Code.KS040, service=self.base_url, reason="không kết nối được"
            ) from err
        if not isinstance(answer, dict):
            raise RemoteSigningError(
                Code.KS040, service=self.base_url, reason="trả lời không đúng định dạng"
            )
        return answer

    def submit(
        self, digest: bytes, digest_algorithm: str, description: str = ""
    ) -> str:
        """Send a digest to sign; return the transaction id."""
        answer = self._call(
            f"{self.base_url}/sign",
            {
                "certificate_id": self.certificate_id,
                "digest": base64.b64encode(digest).decode("ascii"),
                "digest_algorithm": digest_algorithm,
                "description": description,
            },
        )
        return str(answer.get("transaction_id", ""))

    def fetch(self, transaction_id: str) -> bytes | None:
        """The signature when ready, None while pending.

        :raises RemoteSigningError: KS040 when the signer refused.
        """
        answer = self._call(f"{self.base_url}/sign/{transaction_id}")
        status = answer.get("status")
        if status == "done":
            return base64.b64decode(str(answer.get("signature", "")))
        if status == "pending":
            return None
        raise RemoteSigningError(
            Code.KS040,
            service=self.base_url,
            reason="người ký từ chối hoặc yêu cầu hết hạn",
        )


class RemoteSigner:
    """A :class:`~baocao.signing.model.Signer` that waits for a remote service."""

    def __init__(
        self,
        client: HttpRemoteSigningClient,
        certificate: bytes,
        chain: Sequence[bytes] = (),
        poll_interval: float = 0.5,
        wait: float = 120.0,
    ) -> None:
        self._client = client
        self._certificate = certificate
        self._chain = tuple(chain)
        self.poll_interval = poll_interval
        self.wait = wait

    @property
    def certificate(self) -> bytes:
        """The signer's certificate (DER), as published by the provider."""
        return self._certificate

    @property
    def chain(self) -> Sequence[bytes]:
        """CA certificates (DER)."""
        return self._chain

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Submit the digest of ``data`` and poll until the signature arrives."""
        digest = hashlib.new(digest_algorithm, data).digest()
        transaction = await asyncio.to_thread(
            self._client.submit, digest, digest_algorithm
        )
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            signature = await asyncio.to_thread(self._client.fetch, transaction)
            if signature is not None:
                return signature
            await asyncio.sleep(self.poll_interval)
        raise RemoteSigningError(
            Code.KS040,
            service=self._client.base_url,
            reason="hết thời gian chờ xác nhận",
        )
