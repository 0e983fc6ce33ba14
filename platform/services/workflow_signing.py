"""The ``sign`` step with a real PAdES signature (issue #6, item 7; DESIGN.md §7).

Two ways in, one way through:

- the leader uploads a PKCS#12 file and its passphrase: the server renders the
  submission (the same PDF as the export), attaches the bound data, signs
  (B-T when a timestamp authority is configured, else B-B) and forgets the key;
- the leader signed outside (USB token) the "PDF để ký" downloaded from here and
  uploads the signed file.

Either way the PDF is verified against the configured trust roots, its first
signature must be by a certificate registered for the acting account, and its
attached data must hash to the submission's current data. Only then is it kept
(append-only) and the ``sign`` action taken with the PDF's SHA-256 as reference,
which :func:`baocao.platform.services.signatures.check_reference` checks again.
Neither the key nor the passphrase is stored or logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from baocao.platform.models.signatures import SignedDocument
from baocao.platform.models.workflow import Submission
from baocao.platform.services import signatures
from baocao.platform.services import workflow as service
from baocao.platform.services.signatures import SignatureCode, SignatureFlowError
from baocao.platform.services.submission_export import render_document
from baocao.platform.services.workflow_config import get_regime
from baocao.platform.workflow.chains import Action
from baocao.platform.workflow.transitions import decide
from baocao.renderers import RenderedPdf
from baocao.signing import (
    Appearance,
    Box,
    Pkcs12Signer,
    SignRequest,
    VerificationReport,
    attach_data,
    certificate_sha256,
    sign_pdf,
    verify_pdf,
)

logger = logging.getLogger(__name__)

__all__ = [
    "SigningSetup",
    "check_owner",
    "describe_problems",
    "prepare_pdf",
    "setup_for",
    "setup_of",
    "sign_with_p12",
    "sign_with_pdf",
    "verification_of",
    "verify_upload",
]

#: ``render(submission, now) -> RenderedPdf``: the export's PDF with its box.
Render = Callable[[Submission, datetime], RenderedPdf]


@dataclass(frozen=True, slots=True)
class SigningSetup:
    """What the signing step needs from the configuration."""

    trust_roots: tuple[bytes, ...]
    """Root certificates (PEM/DER) every signature must chain to."""
    render: Render
    """How a submission becomes the PDF that is signed."""
    tsa_url: str = ""
    """RFC 3161 timestamp authority; set → PAdES B-T."""


def setup_for(
    trust_roots: tuple[Path, ...],
    tsa_url: str | None,
    load_compiled: Callable[[str, int | None], Any] | None,
) -> SigningSetup:
    """The setup from the settings (``BAOCAO_TRUST_ROOTS``, ``BAOCAO_TSA_URL``) and
    the app's form loader; the PDF is the export's (``render_document``)."""

    def render(sub: Submission, now: datetime) -> RenderedPdf:
        regime = get_regime(sub.regime_id)
        return render_document(sub, regime, load_compiled=load_compiled, now=now)

    return SigningSetup(
        trust_roots=tuple(path.read_bytes() for path in trust_roots),
        render=render,
        tsa_url=tsa_url or "",
    )


def setup_of(app: Any) -> SigningSetup:
    """The setup of a Flask app: its settings and its form loader."""
    settings = app.extensions["baocao_settings"]
    return setup_for(
        settings.trust_roots,
        settings.tsa_url,
        app.extensions.get("baocao_form_loader"),
    )


def _ready(
    submission_id: str, expected_version: int, actor: Any, now: datetime
) -> Submission:
    """The submission, once ``actor`` may ``sign`` it now (before any PDF work).

    :raises ConflictError: (409) stale version.
    :raises ClosedPeriodError: (409) the period is closed (read-only archive).
    :raises ForbiddenActionError: (403) / TransitionError (409) from the chain.
    """
    sub, regime, chain = service._context(submission_id, expected_version)
    holder = service.actor_for(actor, sub, regime, now)
    decide(chain, sub.position(), holder, Action.SIGN, signature="kiểm tra trước")
    return sub


def sign_with_p12(
    submission_id: str,
    expected_version: int,
    actor: Any,
    p12: bytes,
    passphrase: str,
    *,
    now: datetime,
    setup: SigningSetup,
    image: bytes | None = None,
) -> Submission:
    """Render, bind, sign with the uploaded PKCS#12, verify, then ``sign``.

    :param image: optional PNG of the leader's signature (blue, transparent).
    :raises KeyAccessError: (422) wrong passphrase or not a PKCS#12 file.
    :raises CertificatePolicyError: (422) expired, weak key, wrong key usage.
    :raises SignatureFlowError: (422) foreign or unregistered certificate.
    """
    if not p12:
        raise SignatureFlowError(SignatureCode.KY007, what="tệp chứng thư số .p12")
    sub = _ready(submission_id, expected_version, actor, now)
    signer = Pkcs12Signer.load(p12, passphrase)
    check_owner(actor, certificate_sha256(signer.certificate), "")
    rendered = setup.render(sub, now)
    pdf, _attached = attach_data(rendered.data, signatures.bound_data(sub), now)
    x1, y1, x2, y2 = rendered.signature_box.box
    request = SignRequest(
        now=now,
        appearance=Appearance.SIGNATURE,
        box=Box(x1, y1, x2 - x1, y2 - y1, page=rendered.signature_box.page),
        image=image,
        reason="Ký duyệt báo cáo",
        location=sub.unit,
        timestamp_url=setup.tsa_url,
    )
    signed = sign_pdf(pdf, request, signer)
    return _accept(sub, signed, actor, source="p12", now=now, setup=setup)


def sign_with_pdf(
    submission_id: str,
    expected_version: int,
    actor: Any,
    pdf: bytes,
    *,
    now: datetime,
    setup: SigningSetup,
) -> Submission:
    """Accept a PDF signed outside (USB token) after the same checks.

    :raises PdfInputError: (422) not a readable PDF.
    :raises SignatureFlowError: (422) invalid, foreign, or other data.
    """
    if not pdf:
        raise SignatureFlowError(SignatureCode.KY007, what="tệp PDF đã ký số")
    sub = _ready(submission_id, expected_version, actor, now)
    return _accept(sub, pdf, actor, source="upload", now=now, setup=setup)


def check_owner(actor: Any, fingerprint: str, signer: str) -> None:
    """Refuse a certificate not registered for ``actor`` (KY002 none, KY001 other)."""
    username = _username(actor)
    registered = signatures.registered_fingerprints(username)
    if not registered:
        raise SignatureFlowError(SignatureCode.KY002, username=username)
    if fingerprint not in registered:
        raise SignatureFlowError(
            SignatureCode.KY001,
            signer=signer or "người khác",
            fingerprint=fingerprint[:16],
            username=username,
        )


def _accept(
    sub: Submission,
    pdf: bytes,
    actor: Any,
    *,
    source: str,
    now: datetime,
    setup: SigningSetup,
) -> Submission:
    report = verify_pdf(pdf, setup.trust_roots, now)
    if not report.valid:
        raise SignatureFlowError(
            SignatureCode.KY003, problems=describe_problems(report)
        )
    first = report.signatures[0]
    check_owner(actor, first.certificate_sha256, first.signer_name)
    expected = signatures.bound_data_sha256(sub)
    if report.attached_data_sha256 is None:
        raise SignatureFlowError(SignatureCode.KY005)
    if report.attached_data_sha256 != expected:
        raise SignatureFlowError(
            SignatureCode.KY004,
            found=report.attached_data_sha256[:16],
            expected=expected[:16],
        )
    document = signatures.store_document(
        sub,
        pdf,
        kind="leader",
        source=source,
        signer=_username(actor),
        certificate=first.certificate_sha256,
        data_sha256=expected,
        report=report.to_dict(),
        now=now,
    )
    logger.info("signed pdf %s stored for submission %s", document.sha256, sub.pk)
    return service.act(
        str(sub.pk),
        Action.SIGN.value,
        sub.version,
        actor,
        now=now,
        signature=document.sha256,
    )


def describe_problems(report: VerificationReport) -> str:
    """What fails in ``report``, in Vietnamese, for the KY003/KY011 messages."""
    if not report.signatures:
        return "tệp không có chữ ký số"
    found = [p for sig in report.signatures for p in sig.problems()]
    return "; ".join(found) or "chữ ký không đạt kiểm tra"


def prepare_pdf(sub: Submission, *, now: datetime, setup: SigningSetup) -> bytes:
    """The PDF to sign outside (USB token): rendered, with the bound data attached."""
    rendered = setup.render(sub, now)
    return attach_data(rendered.data, signatures.bound_data(sub), now)[0]


def verify_upload(pdf: bytes, *, now: datetime, setup: SigningSetup) -> dict[str, Any]:
    """The verification result of any uploaded PDF (the "Kiểm tra chữ ký" page).

    :raises PdfInputError: (422) not a readable PDF.
    """
    report = verify_pdf(pdf, setup.trust_roots, now)
    return {
        **report.to_dict(),
        "problems": describe_problems(report) if not report.valid else "",
    }


def verification_of(
    sub: Submission, *, now: datetime, setup: SigningSetup
) -> dict[str, Any] | None:
    """What the receiving unit sees before accepting: the stored PDF verified
    now, and whether the submission's data still is what was signed.

    None when the submission is not in a signed state, or when its ``sign``
    carried only a free-text reference (a step not requiring a signature).
    """
    if not sub.signature:
        return None
    try:
        document: SignedDocument = signatures.current_document(sub)
    except signatures.SignatureNotFoundError:
        return None
    report = verify_pdf(bytes(document.pdf), setup.trust_roots, now)
    data_intact = (
        report.attached_data_sha256 == document.data_sha256
        and signatures.bound_data_sha256(sub) == document.data_sha256
    )
    result = report.to_dict()
    result.update(
        valid=report.valid and data_intact,
        data_intact=data_intact,
        sha256=document.sha256,
        data_sha256=document.data_sha256,
        signer_account=document.signer,
        source=document.source,
        problems=describe_problems(report) if not report.valid else "",
    )
    return result


def _username(actor: Any) -> str:
    return str(getattr(actor, "username", actor))
