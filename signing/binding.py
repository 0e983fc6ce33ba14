"""Bind a report's submitted data to its signed PDF (issue #6, item 6).

Before the first signature, the submission's data is attached to the PDF as a JSON
file (``baocao-data.json``, associated file with relationship /Data) and its SHA-256
is returned for the platform to store with the submission. Every later signature
covers the attachment, so changing the data afterwards either breaks a signature or
shows up as a modification after signing; comparing the stored hash with
:attr:`AttachedData.sha256` ties the verified PDF to the stored record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from baocao.signing.errors import Code, PdfInputError, SigningError
from baocao.signing.sign import open_writer
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

__all__ = [
    "DATA_FILE_NAME",
    "AttachedData",
    "attach_data",
    "canonical_json",
    "read_attached_data",
]

DATA_FILE_NAME = "baocao-data.json"


@dataclass(frozen=True, slots=True)
class AttachedData:
    """The data file found in (or just put into) a PDF."""

    data: bytes
    """The JSON bytes as attached."""
    sha256: str
    """Hex SHA-256 of :attr:`data`, the value the submission records."""


def canonical_json(data: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces: one byte string per data set."""
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


def attach_data(
    pdf: bytes, data: Mapping[str, Any], now: datetime
) -> tuple[bytes, AttachedData]:
    """Return the PDF with the data attached, and the attachment with its hash.

    :raises SigningError: KS070 when the PDF is already signed (attach first).
    :raises PdfInputError: KS001 when the PDF cannot be read.
    """
    writer = open_writer(pdf)
    if any(True for _ in enumerate_sig_fields(writer.prev, filled_status=True)):
        raise SigningError(Code.KS070)
    payload = canonical_json(data)
    digest = hashlib.sha256(payload).hexdigest()
    stream = embed.EmbeddedFileObject.from_file_data(
        writer,
        payload,
        mime_type="application/json",
        params=embed.EmbeddedFileParams(creation_date=now, modification_date=now),
    )
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=DATA_FILE_NAME,
            file_name=DATA_FILE_NAME,
            embedded_data=stream,
            description=f"Dữ liệu báo cáo; SHA-256: {digest}",
            af_relationship=generic.NameObject("/Data"),
        ),
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue(), AttachedData(payload, digest)


def read_attached_data(pdf: bytes) -> AttachedData | None:
    """The data attachment of the latest revision, or None when there is none."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        root = reader.root
        if "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]:
            return None
        tree = root["/Names"]["/EmbeddedFiles"]
        # We write a flat name tree (no /Kids), so only /Names is read.
        pairs = list(tree["/Names"]) if "/Names" in tree else []
        found = None
        # The last entry wins: a forger appending a second data file is then
        # reported with the forged hash (and the signatures flag the change).
        for key, spec in zip(pairs[::2], pairs[1::2], strict=False):
            if str(key) == DATA_FILE_NAME:
                found = spec.get_object()["/EF"]["/F"].get_object().data
        if found is not None:
            return AttachedData(found, hashlib.sha256(found).hexdigest())
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise PdfInputError(Code.KS001, what="cần kiểm tra") from err
    return None
