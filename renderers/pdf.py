"""PDF of a filled form, laid out per Nghị định 30/2020 and ready for signing.

reportlab was chosen by measurement (a 3-page table in ~70 ms here against
~2.6 s for WeasyPrint, which also needs Pango). The page is A4, portrait or
landscape depending on the sheet's width; margins follow NĐ 30 (top/bottom
20 mm, left 30 mm, right 15 mm); the embedded font is Liberation Serif.

The signature block reserves an empty rectangle above the signer's name. Its
page and coordinates are returned so that the signing package can place the
visible signature there (pyHanko ``SigFieldSpec(on_page=..., box=...)``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from baocao.renderers._pdf_fonts import font_name, register_fonts
from baocao.renderers._pdf_narrative import narrative_flowables
from baocao.renderers._pdf_table import TableBuilder, natural_width, table_parts
from baocao.renderers._sheet import SheetGrid, build_grid
from baocao.renderers.errors import LayoutError, RenderCode
from baocao.renderers.narrative import NarrativeResult
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
PORTRAIT_WIDTH = A4[0] - MARGINS["left"] - MARGINS["right"]
LANDSCAPE_WIDTH = A4[1] - MARGINS["left"] - MARGINS["right"]
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True, slots=True)
class PdfHeader:
    """The header block of an administrative document (NĐ 30/2020, Phụ lục I)."""

    agency: str
    """Issuing agency, e.g. ``SỞ TÀI CHÍNH`` (printed bold, upper case)."""
    parent_agency: str = ""
    """Governing agency above it, e.g. ``ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP``."""
    number: str = ""
    """Document number and symbol after ``Số:``, e.g. ``12/BC-STC``; blank: dots."""
    symbol: str = "BC"
    """Document kind in the placeholder number (``Số: .../BC-...``)."""
    place: str = "Đồng Tháp"
    date: dt.date | None = None
    """Issue date; None prints ``ngày .. tháng .. năm ..`` to fill in by hand."""
    title: str = ""
    """Document title (``BÁO CÁO``); blank: the sheet's own title rows."""
    subtitle: str = ""
    """Summary line under the title (trích yếu)."""


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    """Who signs: authority, title, reserved space, name (NĐ 30, mục 7)."""

    title: str
    """Signer's position, e.g. ``GIÁM ĐỐC``."""
    name: str
    authority: str = ""
    """Signing on behalf, e.g. ``KT. GIÁM ĐỐC`` (then title is ``PHÓ GIÁM ĐỐC``)."""
    recipients: tuple[str, ...] = ()
    """``Nơi nhận:`` lines printed at the left."""
    space_height: float = 30 * mm
    """Height of the rectangle reserved for the visible signature."""


@dataclass(frozen=True, slots=True)
class SignatureBox:
    """Where the visible signature goes: 0-based page, PDF points (x1, y1, x2, y2)."""

    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    """A rendered PDF and its reserved signature rectangle."""

    data: bytes
    signature_box: SignatureBox
    page_count: int
    landscape: bool


class _SignatureSpace(Flowable):  # type: ignore[misc]
    """An empty box that records where it was drawn."""

    def __init__(self, width: float, height: float, sink: dict[str, Any]) -> None:
        super().__init__()
        self.width, self.height, self.sink = width, height, sink

    def wrap(
        self, available_width: float, available_height: float
    ) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x1, y1 = self.canv.absolutePosition(0, 0)
        x2, y2 = self.canv.absolutePosition(self.width, self.height)
        self.sink["box"] = SignatureBox(
            self.canv.getPageNumber() - 1,
            (round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)),
        )


def vietnamese_date_line(place: str, date: dt.date | None) -> str:
    """``Đồng Tháp, ngày 05 tháng 02 năm 2026``: NĐ 30 pads days < 10 and months < 3."""
    if date is None:
        return f"{place}, ngày ... tháng ... năm ..."
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)  # noqa: PLR2004
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def _style(
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int = TA_CENTER,
    space_after: float = 0,
) -> ParagraphStyle:
    return ParagraphStyle(
        "p",
        fontName=font_name(bold, italic),
        fontSize=size,
        leading=size * 1.2,
        alignment=align,
        spaceAfter=space_after,
    )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(xml_escape(text), style)


def _header_block(header: PdfHeader, width: float) -> list[Flowable]:
    """Two columns: agency and number left; national name, motto and date right."""
    left_width, right_width = width * 0.42, width * 0.58
    number = f"Số: {header.number}" if header.number else f"Số: .../{header.symbol}-..."
    left: list[Flowable] = []
    if header.parent_agency:
        left.append(_p(header.parent_agency.upper(), _style(12.5)))
    left.append(_p(header.agency.upper(), _style(12.5, bold=True)))
    agency_width = stringWidth(header.agency.upper(), font_name(True), 12.5)
    left.append(
        HRFlowable(
            width=min(agency_width * 0.5, left_width * 0.5),
            thickness=0.75,
            spaceBefore=2.5,
            spaceAfter=5,
            hAlign="CENTER",
        )
    )
    left.append(_p(number, _style(13)))
    motto_width = stringWidth(MOTTO, font_name(True), 13.5)
    right: list[Flowable] = [
        _p(NATIONAL_NAME, _style(12.5, bold=True)),
        _p(MOTTO, _style(13.5, bold=True)),
        HRFlowable(
            width=motto_width,
            thickness=0.75,
            spaceBefore=2.5,
            spaceAfter=5,
            hAlign="CENTER",
        ),
        _p(vietnamese_date_line(header.place, header.date), _style(13, italic=True)),
    ]
    table = Table([[left, right]], colWidths=[left_width, right_width])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("FONT", (0, 0), (-1, -1), font_name(), 12),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 6 * mm)]


def _banner_texts(grid: SheetGrid, before_row: int) -> list[tuple[str, bool]]:
    """The sheet's title rows above the table: merged across at least half the width."""
    texts = []
    for row in grid.rows:
        if row >= before_row:
            break
        for slot in grid.slots[row]:
            text = (slot.cell or {}).get("text")
            if text and slot.colspan * 2 >= len(grid.columns):
                texts.append(
                    (
                        str(text),
                        bool(((slot.cell or {}).get("style") or {}).get("bold")),
                    )
                )
    return texts


def _title_block(
    header: PdfHeader, grid: SheetGrid | None, first_row: int
) -> list[Flowable]:
    if header.title:
        lines = [(header.title.upper(), True)] + (
            [(header.subtitle, True)] if header.subtitle else []
        )
    else:
        lines = _banner_texts(grid, first_row) if grid is not None else []
    flowables: list[Flowable] = [
        _p(text, _style(14 if bold and i == 0 else 13, bold=bold))
        for i, (text, bold) in enumerate(lines)
    ]
    return [*flowables, Spacer(1, 4 * mm)] if flowables else []


def _trailing_notes(grid: SheetGrid, after_row: int) -> list[Flowable]:
    """Text rows under the table (notes, sources) as paragraphs."""
    out: list[Flowable] = []
    for row in grid.rows:
        if row <= after_row:
            continue
        text = " ".join(
            str(s.cell.get("text"))
            for s in grid.slots[row]
            if s.cell and s.cell.get("text")
        )
        if text:
            out.append(_p(text, _style(12, italic=True, align=TA_LEFT)))
    return out


def _signature_block(
    block: SignatureBlock, width: float, sink: dict[str, Any]
) -> Flowable:
    """``Nơi nhận`` left; authority, title, reserved space and name right."""
    left: list[Flowable] = []
    if block.recipients:
        left.append(_p("Nơi nhận:", _style(12, bold=True, italic=True, align=TA_LEFT)))
        left.extend(_p(f"- {r}", _style(11, align=TA_LEFT)) for r in block.recipients)
    right_width = width * 0.5
    right: list[Flowable] = []
    if block.authority:
        right.append(_p(block.authority.upper(), _style(13, bold=True)))
    right.append(_p(block.title.upper(), _style(13, bold=True)))
    right.append(_SignatureSpace(right_width - 8, block.space_height, sink))
    right.append(_p(block.name, _style(13, bold=True)))
    table = Table([[left, right]], colWidths=[width - right_width, right_width])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), font_name(), 12),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 6 * mm), table])


def _page_number(canvas: Any, doc: Any) -> None:
    """NĐ 30: page numbers from page 2, centred in the top margin."""
    canvas.saveState()
    canvas.setFont(font_name(), 12)
    canvas.drawCentredString(
        doc.pagesize[0] / 2, doc.pagesize[1] - 12 * mm, str(doc.page)
    )
    canvas.restoreState()


def _sheet_flowables(
    grid: SheetGrid, data: Mapping[str, Any], computed: Mapping[str, Any], width: float
) -> tuple[list[Flowable], int, int]:
    """The sheet's table (repeat groups expanded), with its first and last rows."""
    parts = table_parts(grid)
    builder = TableBuilder(grid, parts, width)
    groups = {g["first_row"]: g for g in grid.repeats}
    skip = {
        r for g in grid.repeats for r in range(g["first_row"] + 1, g["last_row"] + 1)
    }
    for row in grid.rows:
        if row < parts.first or row > parts.last or row in skip:
            continue
        group = groups.get(row)
        if group is None:
            builder.add_row(row, data, computed)
            continue
        template_rows = [
            r for r in grid.rows if group["first_row"] <= r <= group["last_row"]
        ]
        items = data.get(group["name"])
        count = len(items) if isinstance(items, list) else len(template_rows)
        for index in range(max(count, 1)):
            own = index < len(template_rows)
            builder.add_row(
                template_rows[min(index, len(template_rows) - 1)],
                data,
                computed,
                (group["name"], index, own),
            )
    if not builder.rows:
        return [], parts.first, parts.last
    return [builder.table()], parts.first, parts.last


def render_pdf_document(
    layout: Mapping[str, Any],
    data: Mapping[str, Any],
    computed: Mapping[str, Any],
    *,
    header: PdfHeader,
    signature_block: SignatureBlock,
    sheets: Sequence[str] | None = None,
    narrative: NarrativeResult | None = None,
) -> RenderedPdf:
    """Render the filled form to PDF and report where the signature goes.

    :param sheets: names of the sheets to print (default: all, one after
        another; ``()`` prints none, for a narrative-only report).
    :param narrative: the outline's sections (numbered headings and rich
        text), printed after the sheets, before the signature block.
    :raises LayoutError: when there is neither a sheet nor a narrative.
    """
    register_fonts()
    grids = [
        build_grid(dict(s))
        for s in layout.get("sheets") or ()
        if sheets is None or s.get("name") in sheets
    ]
    if not grids and narrative is None:
        raise LayoutError(RenderCode.RD004)
    wide = max((natural_width(g) for g in grids), default=0) > PORTRAIT_WIDTH * 1.15
    pagesize = landscape(A4) if wide else A4
    width = LANDSCAPE_WIDTH if wide else PORTRAIT_WIDTH
    story: list[Flowable] = _header_block(header, width)
    if not grids and header.title:
        story.extend(_title_block(header, None, 0))
    for number, grid in enumerate(grids):
        table, first, last = _sheet_flowables(grid, data, computed, width)
        if number == 0 or not header.title:
            story.extend(
                _title_block(
                    header if number == 0 else PdfHeader(agency=""), grid, first
                )
            )
        story.extend(table)
        story.extend(_trailing_notes(grid, last))
        story.append(Spacer(1, 4 * mm))
    if narrative is not None:
        story.extend(
            narrative_flowables(narrative.sections, width, title=narrative.title)
        )
    sink: dict[str, Any] = {}
    story.append(_signature_block(signature_block, width, sink))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        title=header.title or header.agency,
        author=header.agency,
        creator="baocao",
        invariant=True,
        initialFontName=font_name(),
        initialFontSize=12,
    )
    doc.build(story, onLaterPages=_page_number)
    return RenderedPdf(buffer.getvalue(), sink["box"], doc.page, wide)


def render_pdf(
    layout: Mapping[str, Any],
    data: Mapping[str, Any],
    computed: Mapping[str, Any],
    *,
    header: PdfHeader,
    signature_block: SignatureBlock,
) -> bytes:
    """PDF bytes of the filled form (see :func:`render_pdf_document` for the box)."""
    return render_pdf_document(
        layout, data, computed, header=header, signature_block=signature_block
    ).data
