"""Benchmark: render a one-page report PDF and sign it PAdES B-T (goal ≤ 0.5 s).

    python benchmarks/bench_sign.py [--runs N]

Uses the committed test PKI (tests/fixtures/pki) and an RFC 3161 timestamp
authority on 127.0.0.1 in a separate process (pyHanko's DummyTimeStamper behind
http.server), so the time includes a real HTTP round trip. Prints the median and
the 95th percentile of render+sign, for the visible leader signature and for an
invisible one, with the PKCS#12 opened beforehand (its PBKDF2 cost is printed
separately: it is paid once when the user supplies the file, or not at all with a
token or a remote signing service).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

from asn1crypto import tsp
from baocao.signing import Appearance, Pkcs12Signer, SignRequest, demo_image, sign_pdf
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PKI = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pki"
GOAL = 0.5


def render_report() -> bytes:
    """A one-page report: a title and a small table of figures."""
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(72, 780, "BAO CAO KINH TE - XA HOI THANG 11/2026")
    pdf.setFont("Helvetica", 10)
    for row in range(30):
        y = 740 - row * 18
        pdf.drawString(72, y, f"Chi tieu {row + 1}")
        pdf.drawRightString(400, y, f"{(row + 1) * 1234:,}")
        pdf.line(72, y - 4, 520, y - 4)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _serve_tsa(ports: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Child process: a loopback TSA signing with the test TSA certificate."""
    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(PKI / "tsa.pem")),
        tsa_key=load_private_key_from_pemder(str(PKI / "tsa.key.pem"), passphrase=None),
        certs_to_embed=[load_cert_from_pemder(str(PKI / "intermediate.pem"))],
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ports.put(server.server_address[1])
    server.serve_forever()


def start_tsa() -> tuple[str, multiprocessing.Process]:
    """Start the TSA in its own process, as a real TSA would be on another host."""
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.Process(target=_serve_tsa, args=(ports,), daemon=True)
    process.start()
    return f"http://127.0.0.1:{ports.get(timeout=30)}/tsa", process


def load_signer() -> Pkcs12Signer:
    """Open the leader's PKCS#12 (what a user's upload costs once per session)."""
    p12 = (PKI / "leader.p12").read_bytes()
    passphrase = (PKI / "PASSPHRASE.txt").read_text(encoding="utf-8").strip()
    return Pkcs12Signer.load(p12, passphrase)


def measure(runs: int, tsa_url: str, appearance: Appearance) -> list[float]:
    """Seconds per render+sign, ``runs`` times, with the key already opened."""
    signer = load_signer()
    image = demo_image("signature")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render_report()
        sign_pdf(
            pdf,
            SignRequest(
                now=datetime.now(UTC),
                appearance=appearance,
                title="CHỦ TỊCH",
                image=image if appearance is Appearance.SIGNATURE else None,
                timestamp_url=tsa_url,
            ),
            signer,
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Warm up once, then report median and p95 for both appearances."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    tsa_url, server = start_tsa()
    try:
        measure(2, tsa_url, Appearance.SIGNATURE)
        opening = []
        for _ in range(5):
            start = time.perf_counter()
            load_signer()
            opening.append(time.perf_counter() - start)
        print(
            f"open the PKCS#12 (PBKDF2, once per signing session): "
            f"median {statistics.median(opening) * 1000:.0f} ms"
        )
        for appearance in (Appearance.SIGNATURE, Appearance.INVISIBLE):
            times = sorted(measure(args.runs, tsa_url, appearance))
            median = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            verdict = "OK" if median <= GOAL else "CHẬM"
            print(
                f"render + sign B-T ({appearance.value}): "
                f"median {median * 1000:.0f} ms, "
                f"p95 {p95 * 1000:.0f} ms over {args.runs} runs "
                f"(goal ≤ {GOAL * 1000:.0f} ms): {verdict}"
            )
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
