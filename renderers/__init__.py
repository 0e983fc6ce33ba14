"""CompiledForm + data → HTML entry / narrative form, PDF and CSV. Pure code.

No request context, no I/O: documents and values in, ``str``/``bytes`` out.
The platform serves ``static/`` (grid script and styles) and ``fonts/``.
"""

from baocao.renderers.csv_export import render_csv
from baocao.renderers.entry import render_entry_form
from baocao.renderers.errors import LayoutError, RenderCode, RenderError
from baocao.renderers.escape import escape_formula_text
from baocao.renderers.narrative import NarrativeResult, render_narrative, sanitize_html
from baocao.renderers.numbers import (
    format_value,
    parse_number_format,
    parse_vietnamese_number,
)
from baocao.renderers.pdf import (
    PdfHeader,
    RenderedPdf,
    SignatureBlock,
    SignatureBox,
    render_pdf,
    render_pdf_document,
)
from baocao.renderers.resources import FONTS_DIR, STATIC_DIR

__all__ = [
    "FONTS_DIR",
    "STATIC_DIR",
    "LayoutError",
    "NarrativeResult",
    "PdfHeader",
    "RenderCode",
    "RenderError",
    "RenderedPdf",
    "SignatureBlock",
    "SignatureBox",
    "escape_formula_text",
    "format_value",
    "parse_number_format",
    "parse_vietnamese_number",
    "render_csv",
    "render_entry_form",
    "render_narrative",
    "render_pdf",
    "render_pdf_document",
    "sanitize_html",
]
