"""The signed PDF carries the submission data and its hash (issue #6 item 6)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from io import BytesIO

import pytest
from baocao.signing import (
    DATA_FILE_NAME,
    Code,
    Pkcs12Signer,
    SigningError,
    SignRequest,
    attach_data,
    canonical_json,
    read_attached_data,
    sign_pdf,
    verify_pdf,
)
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

DATA = {
    "Biểu 01!D10": 1250,
    "Biểu 01!D11": 3.5,
    "Thuyết minh!B4": "Tăng trưởng ổn định",
}
P12 = Callable[[str], Pkcs12Signer]


def test_attach_sign_verify_reports_the_hash(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    pdf, attached = attach_data(report_pdf, DATA, now)
    assert attached.sha256 == hashlib.sha256(canonical_json(DATA)).hexdigest()
    assert json.loads(attached.data) == DATA
    signed = sign_pdf(pdf, SignRequest(now=now), p12("leader"))
    report = verify_pdf(signed, roots, now)
    assert report.valid
    assert report.attached_data_sha256 == attached.sha256
    found = read_attached_data(signed)
    assert found is not None and json.loads(found.data) == DATA


def test_canonical_json_ignores_key_order() -> None:
    assert canonical_json({"b": 1, "a": "ă"}) == canonical_json({"a": "ă", "b": 1})


def test_attaching_after_signing_is_refused(
    report_pdf: bytes, p12: P12, now: datetime
) -> None:
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("leader"))
    with pytest.raises(SigningError) as caught:
        attach_data(signed, DATA, now)
    assert caught.value.message == Code.KS070.format()


def test_changing_data_after_signing_leaves_the_signed_state(
    report_pdf: bytes, roots: list[bytes], p12: P12, now: datetime
) -> None:
    """Replacing the attachment by an incremental update is caught."""
    pdf, original = attach_data(report_pdf, DATA, now)
    signed = sign_pdf(pdf, SignRequest(now=now), p12("leader"))
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    forged = canonical_json({**DATA, "Biểu 01!D10": 9999})
    stream = embed.EmbeddedFileObject.from_file_data(writer, forged)
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=DATA_FILE_NAME,
            embedded_data=stream,
            af_relationship=generic.NameObject("/Data"),
        ),
    )
    out = BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), roots, now)
    assert report.attached_data_sha256 != original.sha256
    assert not report.valid
    assert report.signatures[0].modified_after_signing
