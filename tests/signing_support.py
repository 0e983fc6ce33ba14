"""Helpers for the platform's signing tests (importable as ``signing_support``).

The committed test PKI (``tests/fixtures/pki``, valid from 2026-01-01) signs:
``leader`` is registered for the leader account, ``seal`` stands for someone
else, ``untrusted`` chains to a root that is not configured, ``expired`` ended in
2024.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from baocao.platform.models.workflow import Submission
from baocao.platform.services import signatures
from baocao.platform.services import workflow as wf
from baocao.platform.services.workflow_signing import SigningSetup, sign_with_pdf
from baocao.renderers import RenderedPdf
from baocao.renderers.pdf import SignatureBox
from baocao.signing import (
    Pkcs12Signer,
    SignRequest,
    attach_data,
    certificate_sha256,
    sign_pdf,
)
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from support import ROOT, require

PKI = ROOT / "tests" / "fixtures" / "pki"
PASSPHRASE = (PKI / "PASSPHRASE.txt").read_text(encoding="utf-8").strip()


def pki(name: str) -> bytes:
    """A file of the test PKI (``root.pem``, ``leader.p12``…)."""
    return (PKI / name).read_bytes()


def simple_render(sub: Submission, now: datetime) -> RenderedPdf:
    """A one-page report PDF with a signature box (no form needed)."""
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=0)
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 770, f"Bao cao {sub.unit} ky {sub.period_key}")
    for row, (cell, value) in enumerate(sorted(sub.get_data().items())):
        pdf.drawString(72, 740 - 16 * row, f"{cell}: {value}")
    pdf.showPage()
    pdf.save()
    return RenderedPdf(out.getvalue(), SignatureBox(0, (300, 80, 540, 230)), 1, False)


def sign_outside(sub: Submission, now: datetime, name: str = "leader") -> bytes:
    """What a leader signing with a USB token uploads: the bound PDF, signed."""
    pdf, _ = attach_data(simple_render(sub, now).data, signatures.bound_data(sub), now)
    signer = Pkcs12Signer.load(pki(f"{name}.p12"), PASSPHRASE)
    # A thread of its own: sign_pdf runs an event loop, and Playwright's sync
    # API already runs one in the test's thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(sign_pdf, pdf, SignRequest(now=now), signer).result()


def append_page(pdf: bytes) -> bytes:
    """Add a page with an incremental update, as a forger would."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    content = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Trang them) Tj ET")
    )
    box = generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)])
    writer.insert_page(PageObject(contents=content, media_box=box))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pyhanko_validate(
    pdf: bytes, tmp_path: Path, pki_dir: Path = PKI
) -> subprocess.CompletedProcess[str]:
    """``pyhanko sign validate`` with the test root as the only trust anchor."""
    executable = Path(sys.executable).with_name("pyhanko")
    command = str(executable) if executable.exists() else shutil.which("pyhanko")
    require(command is not None, "the pyhanko command line (pip install pyhanko-cli)")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [
            str(command),
            "sign",
            "validate",
            "--trust",
            str(pki_dir / "root.pem"),
            "--trust-replace",
            "--no-revocation-check",
            "--validation-time",
            "2026-11-28T08:00:00+00:00",
            "--executive-summary",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def sign_in_chain(app: Any, sub_id: str, username: str, now: datetime) -> Any:
    """Take the ``sign`` of a step requiring a signature as the account
    ``username`` (see :func:`sign_as`). Call inside an app context."""
    return sign_as(app.appbuilder.sm.find_user(username=username), sub_id, now)


def sign_as(actor: Any, sub_id: str, now: datetime) -> Any:
    """Take the ``sign`` of a step requiring a signature as ``actor`` (an
    account or any principal the services accept): the test PKI's leader
    certificate is registered for its username and a PDF over the submission's
    current data, signed with it, is uploaded."""
    leader = pki("leader.pem")
    username = actor.username
    if certificate_sha256(leader) not in signatures.registered_fingerprints(username):
        signatures.register_certificate(username, leader, actor="admin", now=now)
    sub = wf.get_submission(sub_id)
    setup = SigningSetup(trust_roots=(pki("root.pem"),), render=simple_render)
    return sign_with_pdf(
        sub_id, sub.version, actor, sign_outside(sub, now), now=now, setup=setup
    )