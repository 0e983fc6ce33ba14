"""Adapters between our small types and pyHanko's classes (internal).

- :class:`ProtocolSigner` lets any :class:`~baocao.signing.model.Signer` drive
  pyHanko's CMS machinery;
- :class:`UrllibTimeStamper` talks RFC 3161 over HTTP with the standard library (so
  the package needs neither ``requests`` nor ``aiohttp``);
- :class:`PdfBytesContent` imports a page from an in-memory PDF as a form XObject,
  which is how the stamp drawn by :mod:`baocao.signing.appearance` gets into the
  signature widget.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from io import BytesIO

from asn1crypto import tsp, x509
from baocao.signing.model import Signer
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, set_tsp_headers
from pyhanko_certvalidator.registry import SimpleCertificateStore

#: Upper bound of a DER ECDSA signature for a curve of n bytes: SEQUENCE of two
#: INTEGERs, each possibly one byte longer than n (sign byte).
_ECDSA_OVERHEAD = 9


class ProtocolSigner(signers.Signer):
    """A pyHanko signer whose raw signatures come from one of our backends."""

    def __init__(self, backend: Signer) -> None:
        certificate = x509.Certificate.load(backend.certificate)
        store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        store.register_multiple([x509.Certificate.load(der) for der in backend.chain])
        super().__init__(signing_cert=certificate, cert_registry=store)
        self._backend = backend
        key = certificate.public_key
        size = (key.bit_size + 7) // 8
        self._placeholder = (
            size if key.algorithm == "rsa" else 2 * size + _ECDSA_OVERHEAD
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """Placeholder bytes during size estimation, else the backend's signature."""
        if dry_run:
            return bytes(self._placeholder)
        signature: bytes = await self._backend.sign_raw(data, digest_algorithm)
        return signature


class UrllibTimeStamper(TimeStamper):
    """RFC 3161 client over HTTP(S) using :mod:`urllib` in a worker thread."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.url = url
        self.timeout = timeout

    async def async_request_tsa_response(
        self, req: tsp.TimeStampReq
    ) -> tsp.TimeStampResp:
        """POST the request; raise :class:`TimestampRequestError` on any failure."""
        return await asyncio.to_thread(self._post, req.dump())

    def _post(self, body: bytes) -> tsp.TimeStampResp:
        request = urllib.request.Request(  # noqa: S310 - URL comes from configuration
            self.url, data=body, headers=set_tsp_headers({}), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310
                kind = reply.headers.get("Content-Type", "")
                payload = reply.read()
        except (OSError, urllib.error.URLError) as err:
            raise TimestampRequestError("timestamp server unreachable") from err
        if kind != "application/timestamp-reply":
            raise TimestampRequestError("timestamp server reply malformed")
        try:
            return tsp.TimeStampResp.load(payload)
        except ValueError as err:
            raise TimestampRequestError("timestamp server reply malformed") from err


class PdfBytesContent(content.PdfContent):
    """The first page of an in-memory PDF, drawn as a form XObject."""

    def __init__(self, pdf: bytes, name: str) -> None:
        super().__init__()
        self._pdf = pdf
        self._name = name

    def render(self) -> bytes:
        """Import the page into the target writer and paint it."""
        writer = self._ensure_writer
        reader = PdfFileReader(BytesIO(self._pdf))
        xobject = writer.import_page_as_xobject(reader, page_ix=0)
        resource = "/" + self._name
        self.resources.xobject[resource] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return resource.encode("ascii") + b" Do"
