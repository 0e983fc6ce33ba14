"""A submission as a file: the filled .xlsx, a PDF or a long-form CSV (DESIGN.md §8).

The PDF and the CSV carry the narrative sections too (linked and narrative
regimes); a form that is an outline only has no .xlsx (XF003).

The renderers and the compiler's fill do the work; this module only gathers what
they need (the form version, its source .xlsx, the unit's name) and names the
file. Loaders come from ``app.extensions`` (``baocao_form_loader`` and
``baocao_form_source``), the same the workflow uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.form_designer.fill import fill_workbook
from baocao.form_designer.roundtrip import form_stamp
from baocao.platform.models import Unit
from baocao.platform.models.workflow import Regime, Submission
from baocao.platform.services import narrative as narrative_service
from baocao.platform.services.errors import Code, ServiceError
from baocao.platform.workflow.periods import VIETNAM_TZ
from baocao.renderers import (
    PdfHeader,
    RenderedPdf,
    SignatureBlock,
    render_csv,
    render_pdf_document,
)
from baocao.renderers.narrative import NarrativeResult
from baocao.schemas import CompiledForm

FORMATS = ("xlsx", "pdf", "csv")
#: Room for the visible signature: image, name and the signer/time lines (points).
SIGNATURE_SPACE = 120.0

_MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",  # Flask adds "; charset=utf-8"
}


class ExportError(ServiceError):
    """The submission cannot be exported in the asked format."""

    http_status = 400


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """Bytes to send, with their media type and a download name."""

    data: bytes
    mimetype: str
    filename: str


def export_submission(
    sub: Submission,
    regime: Regime,
    fmt: str,
    *,
    load_compiled: Callable[[str, int | None], CompiledForm | None] | None,
    load_source: Callable[[str, int | None], bytes] | None,
    now: datetime,
) -> ExportedFile:
    """Render ``sub`` as ``fmt`` (xlsx, pdf or csv).

    :raises ExportError: unknown format, or a regime without a form version.
    """
    if fmt not in FORMATS:
        raise ExportError(Code.XF001, fmt=fmt, formats=", ".join(FORMATS))
    compiled = _compiled(regime, load_compiled)
    data, computed = sub.get_data(), sub.get_computed()
    name = f"{regime.name} - {sub.period_key} - {sub.unit}"
    if fmt == "csv":
        narrative = narrative_service.render(regime, sub)
        layout = _printed_layout(compiled.layout, regime, narrative)
        body = render_csv(
            compiled.schema, layout, data, computed, narrative=narrative
        ).encode()
    elif fmt == "pdf":
        body = render_document(sub, regime, load_compiled=load_compiled, now=now).data
    else:
        if not compiled.layout.get("sheets"):
            raise ExportError(Code.XF003, regime=regime.name)
        template = _source(regime, load_source)
        stamp = form_stamp(regime.form_id, regime.form_version, compiled.source_sha256)
        body = fill_workbook(template, compiled, data, computed, stamp=stamp)
    return ExportedFile(body, _MIMETYPES[fmt], f"{name}.{fmt}")


def render_document(
    sub: Submission,
    regime: Regime,
    *,
    load_compiled: Callable[[str, int | None], CompiledForm | None] | None,
    now: datetime,
) -> RenderedPdf:
    """The submission's PDF with the rectangle reserved for the leader's signature
    (the export and the signing step print the same document).

    A linked regime prints its grid, then the narrative sections; a narrative
    regime prints the narrative alone (its form may be an outline only).

    :raises ExportError: the regime has no form version.
    """
    compiled = _compiled(regime, load_compiled)
    narrative = narrative_service.render(regime, sub)
    return render_pdf_document(
        _printed_layout(compiled.layout, regime, narrative),
        sub.get_data(),
        sub.get_computed(),
        header=_header(sub, regime, now),
        signature_block=SignatureBlock(
            title="THỦ TRƯỞNG ĐƠN VỊ", name="", space_height=SIGNATURE_SPACE
        ),
        narrative=narrative,
    )


def _printed_layout(
    layout: dict[str, Any], regime: Regime, narrative: NarrativeResult | None
) -> dict[str, Any]:
    """The layout whose sheets are exported: none for a narrative regime that
    has its narrative (units do not fill the grid there), else all of them."""
    if regime.content == "narrative" and narrative is not None:
        return {**layout, "sheets": []}
    return layout


def _compiled(
    regime: Regime, load: Callable[[str, int | None], CompiledForm | None] | None
) -> CompiledForm:
    compiled = None
    if load is not None and regime.form_id:
        try:
            compiled = load(regime.form_id, regime.form_version)
        except LookupError:
            compiled = None
    if compiled is None:
        raise ExportError(Code.XF002, regime=regime.name)
    return compiled


def _source(regime: Regime, load: Callable[[str, int | None], bytes] | None) -> bytes:
    try:
        if load is not None:
            return load(regime.form_id, regime.form_version)
    except LookupError:
        pass
    raise ExportError(Code.XF002, regime=regime.name)


def _header(sub: Submission, regime: Regime, now: datetime) -> PdfHeader:
    unit: Any = Unit.objects(code=sub.unit).only("name").first()
    return PdfHeader(
        agency=(unit.name if unit else sub.unit).upper(),
        date=now.astimezone(VIETNAM_TZ).date(),
        title=f"{regime.name.upper()} — KỲ {sub.period_key}",
    )
