"""Remote two-phase signing against a test double of a SmartCA-like service.

Requirement: issue #6 item 3 (the digest goes out, the signature comes back later).
The double holds the leader's key on loopback, answers "pending" once per
transaction, then returns the signature of the submitted digest.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest
from baocao.signing import (
    Code,
    HttpRemoteSigningClient,
    PendingSignature,
    RemoteSigner,
    RemoteSigningError,
    SignRequest,
    begin_remote_signing,
    finish_remote_signing,
    sign_pdf,
    verify_pdf,
)
from baocao.signing._asn1 import to_der
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

Start = Callable[[type[BaseHTTPRequestHandler]], str]


def leader_key(pki_dir: Path):  # type: ignore[no-untyped-def]
    return serialization.load_pem_private_key(
        (pki_dir / "leader.key.pem").read_bytes(), password=None
    )


def sign_digest(key, digest: bytes) -> bytes:  # type: ignore[no-untyped-def]
    return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


def make_service(key, refuse: bool = False) -> type[BaseHTTPRequestHandler]:  # type: ignore[no-untyped-def]
    """A handler class with its own transaction table."""

    class Service(BaseHTTPRequestHandler):
        transactions: ClassVar[dict[str, dict[str, object]]] = {}

        def _reply(self, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            number = str(len(self.transactions) + 1)
            self.transactions[number] = {
                "digest": base64.b64decode(body["digest"]),
                "polls": 0,
                "request": body,
            }
            self._reply({"transaction_id": number})

        def do_GET(self) -> None:
            entry = self.transactions[self.path.rsplit("/", 1)[-1]]
            entry["polls"] = int(entry["polls"]) + 1  # type: ignore[call-overload]
            if refuse:
                self._reply({"status": "rejected"})
            elif entry["polls"] == 1:
                self._reply({"status": "pending"})
            else:
                signature = sign_digest(key, entry["digest"])  # type: ignore[arg-type]
                self._reply(
                    {
                        "status": "done",
                        "signature": base64.b64encode(signature).decode(),
                    }
                )

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    return Service


def certs(pki_dir: Path) -> tuple[bytes, list[bytes]]:
    return (
        to_der((pki_dir / "leader.pem").read_bytes()),
        [to_der((pki_dir / "intermediate.pem").read_bytes())],
    )


def test_two_phase_signing(
    *,
    report_pdf: bytes,
    roots: list[bytes],
    now: datetime,
    pki_dir: Path,
    start_server: Start,
    tsa_url: str,
) -> None:
    """Phase one gives a digest; the state survives JSON; phase two embeds it (B-T)."""
    service = make_service(leader_key(pki_dir))
    client = HttpRemoteSigningClient(start_server(service), certificate_id="cts-01")
    certificate, chain = certs(pki_dir)
    pending = begin_remote_signing(
        report_pdf, SignRequest(now=now, timestamp_url=tsa_url), certificate, chain
    )
    stored = json.loads(json.dumps(pending.to_dict()))
    transaction = client.submit(pending.digest_to_sign, pending.md_algorithm)
    assert client.fetch(transaction) is None
    signature = client.fetch(transaction)
    assert signature is not None
    signed = finish_remote_signing(PendingSignature.from_dict(stored), signature)
    report = verify_pdf(signed, roots, now)
    assert report.valid
    assert report.signatures[0].level == "B-T"
    assert service.transactions[transaction]["request"]["certificate_id"] == "cts-01"  # type: ignore[index]


def test_wrong_signature_is_refused(
    report_pdf: bytes, now: datetime, pki_dir: Path
) -> None:
    certificate, chain = certs(pki_dir)
    pending = begin_remote_signing(report_pdf, SignRequest(now=now), certificate, chain)
    forged = sign_digest(leader_key(pki_dir), bytes(32))
    with pytest.raises(RemoteSigningError) as caught:
        finish_remote_signing(pending, forged)
    assert caught.value.message == Code.KS041.format()


def test_remote_signer_waits_for_confirmation(
    report_pdf: bytes,
    roots: list[bytes],
    now: datetime,
    pki_dir: Path,
    start_server: Start,
) -> None:
    """The one-shot RemoteSigner polls until the signer has confirmed."""
    client = HttpRemoteSigningClient(
        start_server(make_service(leader_key(pki_dir))), "x"
    )
    certificate, chain = certs(pki_dir)
    signer = RemoteSigner(client, certificate, chain, poll_interval=0.01, wait=5)
    signed = sign_pdf(report_pdf, SignRequest(now=now), signer)
    assert verify_pdf(signed, roots, now).valid


def test_refusal_is_a_clear_error(
    report_pdf: bytes, now: datetime, pki_dir: Path, start_server: Start
) -> None:
    url = start_server(make_service(leader_key(pki_dir), refuse=True))
    certificate, chain = certs(pki_dir)
    signer = RemoteSigner(
        HttpRemoteSigningClient(url, "x"),
        certificate,
        chain,
        poll_interval=0.01,
        wait=5,
    )
    with pytest.raises(RemoteSigningError) as caught:
        sign_pdf(report_pdf, SignRequest(now=now), signer)
    assert caught.value.message == Code.KS040.format(
        service=url, reason="người ký từ chối hoặc yêu cầu hết hạn"
    )
