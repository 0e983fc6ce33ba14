"""Fixtures of the signing tests: the committed test PKI, PDFs, a local TSA.

Time is pinned: ``NOW`` is inside every test certificate's validity and the local
timestamp authority stamps ``TSA_TIME``, so no result depends on the real date.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import tsp
from baocao.signing import Pkcs12Signer
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from support import ROOT

PKI = ROOT / "tests" / "fixtures" / "pki"
PASSPHRASE = (PKI / "PASSPHRASE.txt").read_text(encoding="utf-8").strip()
NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
TSA_TIME = datetime(2026, 11, 28, 7, 0, 5, tzinfo=UTC)


def pki_bytes(name: str) -> bytes:
    """A file of the test PKI."""
    return (PKI / name).read_bytes()


def p12_signer(name: str) -> Pkcs12Signer:
    """The PKCS#12 signer ``name`` of the test PKI."""
    return Pkcs12Signer.load(pki_bytes(f"{name}.p12"), PASSPHRASE)


def make_pdf(pages: int = 1, amount: str = "1000") -> bytes:
    """A small uncompressed report PDF whose first page shows ``amount``."""
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=0)
    for page in range(pages):
        pdf.setFont("Helvetica", 12)
        pdf.drawString(72, 770, f"Bao cao thu nghiem - trang {page + 1}")
        pdf.drawString(72, 740, f"Tong so: {amount}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.fixture
def roots() -> list[bytes]:
    """The trust root list of the test PKI."""
    return [pki_bytes("root.pem")]


@pytest.fixture(scope="session")
def report_pdf() -> bytes:
    """A one-page report to sign."""
    return make_pdf()


class _TsaHandler(BaseHTTPRequestHandler):
    stamper: DummyTimeStamper

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        request = tsp.TimeStampReq.load(self.rfile.read(length))
        reply = self.stamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


def serve(handler: type[BaseHTTPRequestHandler]) -> Callable[[], None]:
    """Start ``handler`` on 127.0.0.1 in a thread; return its stop function."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return stop


@pytest.fixture(scope="session")
def tsa_url() -> Iterator[str]:
    """An RFC 3161 timestamp authority on loopback, stamping ``TSA_TIME``."""
    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(PKI / "tsa.pem")),
        tsa_key=load_private_key_from_pemder(str(PKI / "tsa.key.pem"), passphrase=None),
        certs_to_embed=[load_cert_from_pemder(str(PKI / "intermediate.pem"))],
        fixed_dt=TSA_TIME,
    )
    handler = type("TsaHandler", (_TsaHandler,), {"stamper": stamper})
    stop = serve(handler)
    yield handler.url + "/tsa"  # type: ignore[attr-defined]
    stop()


@pytest.fixture(scope="session")
def pki_dir() -> Path:
    """The folder of the committed test PKI."""
    return PKI


@pytest.fixture
def now() -> datetime:
    """The pinned signing and validation time."""
    return NOW


@pytest.fixture
def p12() -> Callable[[str], Pkcs12Signer]:
    """Load a PKCS#12 signer of the test PKI by name (``leader``, ``seal``…)."""
    return p12_signer


@pytest.fixture
def pki() -> Callable[[str], bytes]:
    """Read a file of the test PKI by name."""
    return pki_bytes


@pytest.fixture
def pdf_maker() -> Callable[..., bytes]:
    """Build a small report PDF: ``pdf_maker(pages=1, amount="1000")``."""
    return make_pdf


@pytest.fixture
def start_server(
    request: pytest.FixtureRequest,
) -> Callable[[type[BaseHTTPRequestHandler]], str]:
    """Start an HTTP handler class on loopback for one test; return its base URL."""

    def start(handler: type[BaseHTTPRequestHandler]) -> str:
        request.addfinalizer(serve(handler))
        return handler.url  # type: ignore[attr-defined, no-any-return]

    return start
