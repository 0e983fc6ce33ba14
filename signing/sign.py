"""Sign a PDF as PAdES B-B, B-T or B-LT with pyHanko (DESIGN.md §7).

The level follows from the request: B-B by default, B-T when a timestamp authority
URL is given, B-LT when revocation material is given too. Several signatures are
added as successive incremental updates, so the leader's signature stays valid when
the agency's seal is added. Every check of the signing policy runs before the key is
used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from io import BytesIO
from typing import Any, TypeVar

from asn1crypto import x509
from baocao.signing import appearance
from baocao.signing._asn1 import load_certificate, to_der
from baocao.signing._hanko import PdfBytesContent, ProtocolSigner, UrllibTimeStamper
from baocao.signing.appearance import Rect
from baocao.signing.errors import (
    CertificatePolicyError,
    Code,
    PdfInputError,
    SigningError,
    TimestampError,
)
from baocao.signing.model import Appearance, LongTermMaterial, Signer, SignRequest
from baocao.signing.policy import check_certificate, check_digest, subject_fields
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.generic import IndirectObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as HankoSigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

__all__ = ["sign_pdf"]

T = TypeVar("T")
DEFAULT_BOX = (230.0, 150.0)
MARGIN = 36.0


def sign_pdf(pdf: bytes, request: SignRequest, signer: Signer) -> bytes:
    """Return ``pdf`` with one more PAdES signature (an incremental update).

    :param pdf: the document, possibly already signed.
    :param request: appearance, time, timestamp authority, revocation material.
    :param signer: the key holder (PKCS#12, PKCS#11 or remote backend).
    :raises CertificatePolicyError: the key, digest or certificate breaks the policy.
    :raises PdfInputError: the PDF cannot be read or is encrypted.
    :raises TimestampError: the timestamp authority failed.
    :raises SigningError: any other failure, with a Vietnamese message.
    """
    prepared = prepare(pdf, request, signer.certificate)
    pdf_signer = signers.PdfSigner(
        prepared.metadata,
        ProtocolSigner(signer),
        timestamper=prepared.timestamper,
        stamp_style=prepared.stamp_style,
        new_field_spec=prepared.field_spec,
    )
    return _run(_sign(pdf_signer, prepared), request, prepared)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The pyHanko settings derived from a request (shared with remote signing)."""

    writer: IncrementalPdfFileWriter
    metadata: signers.PdfSignatureMetadata
    field_spec: fields.SigFieldSpec
    stamp_style: StaticStampStyle | None
    timestamper: UrllibTimeStamper | None
    request: SignRequest
    subject: str


def prepare(pdf: bytes, request: SignRequest, certificate_der: bytes) -> Prepared:
    """Check the policy and build the pyHanko objects for one signature."""
    md_algorithm = check_digest(request.md_algorithm)
    certificate = x509.Certificate.load(certificate_der)
    check_certificate(certificate, request.now, request.key_usage)
    writer = open_writer(pdf)
    name, organisation = subject_fields(certificate)
    field_name = request.field_name or _next_field_name(writer)
    rect, page, stamp = _placement(writer, request, name, organisation)
    field_spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=page,
        box=None
        if rect is None
        else (rect.x, rect.y, rect.x + rect.width, rect.y + rect.height),
    )
    stamp_style = None
    if stamp is not None:
        stamp_style = StaticStampStyle(
            background=PdfBytesContent(stamp, "BaocaoStamp"),
            border_width=0,
            background_opacity=1.0,
            # The stamp is drawn at the widget's exact size: no margin, no scaling.
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(0, 0, 0, 0),
            ),
        )
    long_term = request.long_term
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=md_algorithm,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=request.reason or None,
        location=request.location or None,
        name=request.signer_name or None,
        embed_validation_info=long_term is not None,
        validation_context=_validation_context(long_term, request),
        signer_key_usage=set(),
    )
    timestamper = None
    if request.timestamp_url:
        timestamper = UrllibTimeStamper(
            request.timestamp_url, request.timestamp_timeout
        )
    return Prepared(
        writer,
        metadata,
        field_spec,
        stamp_style,
        timestamper,
        request,
        request.signer_name or name,
    )


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    """Open a PDF for an incremental update; refuse damaged or encrypted files."""
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as err:
        raise PdfInputError(Code.KS001, what="cần ký") from err
    if writer.prev.encrypted:
        raise PdfInputError(Code.KS002, what="cần ký")
    return writer


def _validation_context(
    long_term: LongTermMaterial | None, request: SignRequest
) -> ValidationContext | None:
    if long_term is None:
        return None
    return ValidationContext(
        trust_roots=[load_certificate(root) for root in long_term.trust_roots],
        other_certs=[load_certificate(cert) for cert in long_term.other_certs],
        crls=[to_der(crl) for crl in long_term.crls],
        ocsps=list(long_term.ocsp_responses),
        allow_fetching=long_term.allow_fetching,
        moment=request.now,
        revocation_mode="hard-fail",
    )


def _next_field_name(writer: IncrementalPdfFileWriter) -> str:
    existing = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
    number = len(existing) + 1
    while f"ChuKy{number}" in existing:
        number += 1
    return f"ChuKy{number}"


def _page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[int, float, float]:
    pages = writer.prev.root["/Pages"]["/Count"]
    index = page if page >= 0 else pages + page
    if not 0 <= index < pages:
        raise SigningError(
            Code.KS061, page=page + 1 if page >= 0 else page, pages=pages
        )
    node = writer.prev.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
    while "/MediaBox" not in node and "/Parent" in node:
        node = node["/Parent"]
    x1, y1, x2, y2 = (float(v) for v in node.get("/MediaBox", (0, 0, 595, 842)))
    return index, x2 - x1, y2 - y1


def _placement(
    writer: IncrementalPdfFileWriter, request: SignRequest, name: str, organisation: str
) -> tuple[Rect | None, int, bytes | None]:
    """Rectangle, page index and stamp PDF of the requested appearance."""
    kind = request.appearance
    organisation = request.organisation or organisation
    if kind is Appearance.INVISIBLE:
        return None, 0, None
    if kind is Appearance.TEXT_LINE:
        index, width, height = _page_size(writer, 0)
        rect = appearance.text_line_rect(width, height)
        lines = [
            line
            for line in (
                organisation,
                request.document_reference,
                appearance.format_time(request.now),
            )
            if line
        ]
        return rect, index, appearance.draw_text_line(rect, lines)
    if kind is Appearance.SEAL:
        leader, index = _leader_box(writer, request.over_field)
        rect = appearance.seal_rect(leader, request.seal_diameter_mm)
        return rect, index, appearance.draw_seal(rect, request.image)
    box = request.box
    if box is None:
        index, width, _ = _page_size(writer, -1)
        rect = Rect(width - MARGIN - DEFAULT_BOX[0], 2 * MARGIN, *DEFAULT_BOX)
    else:
        index, _, _ = _page_size(writer, box.page)
        rect = Rect(box.x, box.y, box.width, box.height)
    stamp = appearance.draw_signature(
        rect,
        title=request.title,
        name=request.signer_name or name,
        organisation=organisation,
        moment=request.now,
        image=request.image,
    )
    return rect, index, stamp


def _leader_box(writer: IncrementalPdfFileWriter, field_name: str) -> tuple[Rect, int]:
    """The rectangle and page of the leader's (visible) signature widget."""
    reader = writer.prev
    page_refs = [page.idnum for page in _page_refs(reader)]
    found: tuple[Rect, int] | None = None
    for name, _, field_ref in fields.enumerate_sig_fields(reader):
        field = field_ref.get_object()
        x1, y1, x2, y2 = (float(v) for v in field.get("/Rect", (0, 0, 0, 0)))
        if x2 - x1 <= 0 or "/P" not in field or (field_name and name != field_name):
            continue
        page_ref = field.raw_get("/P")
        index = page_refs.index(page_ref.idnum) if page_ref.idnum in page_refs else 0
        found = Rect(x1, y1, x2 - x1, y2 - y1), index
    if found is None:
        raise SigningError(Code.KS062, field=field_name or "lãnh đạo")
    return found


def _page_refs(reader: PdfFileReader) -> list[IndirectObject]:
    count = int(reader.root["/Pages"]["/Count"])
    return [
        reader.find_page_for_modification(i)[0]  # type: ignore[no-untyped-call]
        for i in range(count)
    ]


#: Bytes set aside for the signature container, besides the certificates: the
#: signature value and CMS structure, and a timestamp token with its TSA chain.
CMS_ALLOWANCE = 3072
TIMESTAMP_ALLOWANCE = 8192


def reserved_size(prepared: Prepared, chain_size: int = 0) -> int:
    """Hex digits to reserve for /Contents without pyHanko's dry-run signature.

    The dry run costs a full CMS build and an extra round trip to the timestamp
    authority; a generous fixed allowance costs a few kilobytes of zero padding.
    """
    size = CMS_ALLOWANCE + chain_size
    if prepared.timestamper is not None:
        size += TIMESTAMP_ALLOWANCE
    return 2 * size


async def _sign(pdf_signer: signers.PdfSigner, prepared: Prepared) -> bytes:
    """pyHanko's ``async_sign_pdf`` with our clock instead of the system's."""
    session = pdf_signer.init_signing_session(prepared.writer)
    session.system_time = prepared.request.now
    validation = await session.perform_presign_validation(prepared.writer)
    hanko = pdf_signer.signer
    certificates = [hanko.signing_cert, *hanko.cert_registry]
    reserved = reserved_size(prepared, sum(len(c.dump()) for c in certificates if c))
    tbs = session.prepare_tbs_document(
        validation_info=validation, bytes_reserved=reserved
    )
    digest, output = tbs.digest_tbs_document()
    post_sign = await tbs.perform_signature(
        document_digest=digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=session.system_time,
            adobe_revinfo_attr=None
            if validation is None
            else validation.adobe_revinfo_attr,
        ),
    )
    await post_sign.post_signature_processing(output)
    output.seek(0)
    return bytes(output.read())


def _run(
    coroutine: Coroutine[Any, Any, T], request: SignRequest, prepared: Prepared
) -> T:
    """Run a signing coroutine and translate library errors into ours."""
    try:
        return asyncio.run(coroutine)
    except TimestampRequestError as err:
        raise TimestampError(Code.KS030, url=request.timestamp_url) from err
    except (PathBuildingError, PathValidationError) as err:
        raise CertificatePolicyError(Code.KS027, subject=prepared.subject) from err
    except HankoSigningError as err:
        if isinstance(err.__cause__, TimestampRequestError):
            raise TimestampError(Code.KS030, url=request.timestamp_url) from err
        if isinstance(err.__cause__, PathBuildingError | PathValidationError):
            raise CertificatePolicyError(Code.KS027, subject=prepared.subject) from err
        raise SigningError(Code.KS050, reason="lỗi trong quá trình tạo chữ ký") from err
    except PdfError as err:
        raise PdfInputError(Code.KS001, what="cần ký") from err
