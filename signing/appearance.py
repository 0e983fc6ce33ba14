"""How a signature looks on the page (Nghị định 30/2020/NĐ-CP, Phụ lục I).

The stamp is drawn as a one-page PDF with reportlab, whose TrueType support measures
Vietnamese text correctly (pyHanko's own text stamps take glyph widths in font units,
so fonts with 2048 units per em came out twice too wide), then imported as the
signature widget's appearance. Geometry is pure arithmetic on the box, so the agency
seal can find the leader's signature image from the leader's widget rectangle alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from io import BytesIO

from baocao.signing.errors import Code, SigningError
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

__all__ = [
    "VIETNAM",
    "Rect",
    "draw_seal",
    "draw_signature",
    "draw_text_line",
    "format_time",
    "image_slot",
    "seal_rect",
    "text_line_rect",
]

VIETNAM = timezone(timedelta(hours=7), "ICT")
REGULAR = "BaocaoSerif"
BOLD = "BaocaoSerif-Bold"
_FONT_FILES = {REGULAR: "LiberationSerif-Regular.ttf", BOLD: "LiberationSerif-Bold.ttf"}
POINTS_PER_MM = 72 / 25.4
PADDING = 4.0
# Vertical split of a SIGNATURE box, top to bottom (fractions of the height).
TITLE_BAND, IMAGE_BAND, NAME_BAND, INFO_BAND = 0.24, 0.42, 0.12, 0.22
SLOT_ASPECT = 2.5
INFO_COLOUR = (0.1, 0.1, 0.1)
#: Resolution kept for signature and seal images (enough for print).
MAX_DPI = 200


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in points: lower-left corner and size."""

    x: float
    y: float
    width: float
    height: float


def format_time(moment: datetime) -> str:
    """ISO 8601 in Vietnam time, as Phụ lục I asks: ``2026-11-28T14:06:33+07:00``."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def image_slot(box: Rect) -> Rect:
    """Where the signature image goes inside a SIGNATURE box (centred band)."""
    band_height = box.height * IMAGE_BAND
    band_bottom = box.y + box.height * (NAME_BAND + INFO_BAND)
    width = min(box.width - 2 * PADDING, band_height * SLOT_ASPECT)
    return Rect(box.x + (box.width - width) / 2, band_bottom, width, band_height)


def seal_rect(leader_box: Rect, diameter_mm: float) -> Rect:
    """The seal at real size, covering about the left third of the leader's image."""
    slot = image_slot(leader_box)
    side = diameter_mm * POINTS_PER_MM
    right = slot.x + slot.width / 3
    centre_y = slot.y + slot.height / 2
    return Rect(right - side, centre_y - side / 2, side, side)


def text_line_rect(page_width: float, page_height: float) -> Rect:
    """Top right of the page, for the attachment text line."""
    width, height = 220.0, 42.0
    return Rect(page_width - width - 20, page_height - height - 16, width, height)


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FONT_FILES.items():
        if name not in registered:
            data = resources.files("baocao.signing").joinpath("fonts", filename)
            pdfmetrics.registerFont(TTFont(name, BytesIO(data.read_bytes())))


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest size ≤ ``size`` at which ``text`` fits in ``width``."""
    measured = pdfmetrics.stringWidth(text, font, size)
    return size if measured <= width else size * width / measured


def _new_canvas(size: Rect) -> tuple[canvas.Canvas, BytesIO]:
    _register_fonts()
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=(size.width, size.height), pageCompression=1)
    pdf.setTitle("Chữ ký số")
    return pdf, out


def _centred_lines(
    pdf: canvas.Canvas,
    lines: list[str],
    *,
    font: str,
    top: float,
    band: float,
    width: float,
) -> None:
    if not lines:
        return
    size = min(11.0, band / (len(lines) * 1.25))
    for index, line in enumerate(lines):
        fitted = _fit(line, font, size, width - 2 * PADDING)
        pdf.setFont(font, fitted)
        pdf.drawCentredString(width / 2, top - (index + 1) * size * 1.2 + 2, line)


def _load_image(image: bytes, slot: Rect, what: str) -> ImageReader:
    """Decode the PNG and shrink it to print resolution for its slot.

    A phone photo or a 300 dpi scan would otherwise be recompressed at full size on
    every signature (most of the stamp's cost).
    """
    try:
        with Image.open(BytesIO(image)) as source:
            picture = source.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        raise SigningError(Code.KS060, what=what) from err
    limit = (round(slot.width * MAX_DPI / 72), round(slot.height * MAX_DPI / 72))
    if picture.width > limit[0] or picture.height > limit[1]:
        picture.thumbnail(limit, Image.Resampling.LANCZOS)
    return ImageReader(picture)


def _draw_image(pdf: canvas.Canvas, image: bytes, slot: Rect, what: str) -> None:
    reader = _load_image(image, slot, what)
    pixel_width, pixel_height = reader.getSize()
    scale = min(slot.width / pixel_width, slot.height / pixel_height)
    width, height = pixel_width * scale, pixel_height * scale
    pdf.drawImage(
        reader,
        slot.x + (slot.width - width) / 2,
        slot.y + (slot.height - height) / 2,
        width,
        height,
        mask="auto",
    )


def draw_signature(
    size: Rect,
    *,
    title: str,
    name: str,
    organisation: str,
    moment: datetime,
    image: bytes | None,
) -> bytes:
    """The leader's stamp: title, blue signature image, name, then who/where/when."""
    pdf, out = _new_canvas(size)
    box = Rect(0, 0, size.width, size.height)
    title_lines = [line for line in title.splitlines() if line.strip()]
    _centred_lines(
        pdf,
        [t.upper() for t in title_lines],
        font=BOLD,
        top=box.height,
        band=box.height * TITLE_BAND,
        width=box.width,
    )
    if image is not None:
        _draw_image(pdf, image, image_slot(box), "chữ ký")
    name_top = box.height * (NAME_BAND + INFO_BAND)
    _centred_lines(
        pdf,
        [name],
        font=BOLD,
        top=name_top,
        band=box.height * NAME_BAND,
        width=box.width,
    )
    info = [
        f"Ký số bởi: {name}",
        f"Cơ quan: {organisation}",
        f"Thời gian ký: {format_time(moment)}",
    ]
    pdf.setFillColorRGB(*INFO_COLOUR)
    info_size = min(7.5, box.height * INFO_BAND / (len(info) * 1.2))
    for index, line in enumerate(info):
        pdf.setFont(REGULAR, _fit(line, REGULAR, info_size, box.width - 2 * PADDING))
        pdf.drawCentredString(
            box.width / 2, box.height * INFO_BAND - (index + 1) * info_size * 1.2, line
        )
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def draw_seal(size: Rect, image: bytes | None) -> bytes:
    """The agency's stamp: only the red seal image, at the size of the box."""
    pdf, out = _new_canvas(size)
    if image is not None:
        _draw_image(pdf, image, Rect(0, 0, size.width, size.height), "con dấu")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def draw_text_line(size: Rect, lines: list[str]) -> bytes:
    """Attachment signature: black upright serif 10 pt, right-aligned lines."""
    pdf, out = _new_canvas(size)
    for index, line in enumerate(lines):
        pdf.setFont(REGULAR, _fit(line, REGULAR, 10.0, size.width - 2 * PADDING))
        pdf.drawRightString(
            size.width - PADDING, size.height - (index + 1) * 12.5, line
        )
    pdf.showPage()
    pdf.save()
    return out.getvalue()
