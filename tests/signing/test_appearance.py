"""Signature appearance per Nghị định 30/2020 Phụ lục I (issue #6 item 2).

The signed page is rendered with poppler (pdftoppm) and its text positions read with
pdftotext, so the checks are about what a reader sees: the blue signature image in
its slot between title and name, the red seal over the left third of it, and
Vietnamese text measured at its true width (not the double width that fonts with
2048 units per em gave in pyHanko's own text stamps).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from baocao.signing import (
    Appearance,
    Box,
    Pkcs12Signer,
    SignRequest,
    demo_image,
    sign_pdf,
)
from baocao.signing.appearance import BOLD, Rect, image_slot, seal_rect
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from reportlab.pdfbase import pdfmetrics
from support import require

P12 = Callable[[str], Pkcs12Signer]
BOX = Box(x=330, y=60, width=230, height=150, page=-1)
PAGE_HEIGHT = 841.89


@pytest.fixture
def signed(report_pdf: bytes, p12: P12, now: datetime) -> bytes:
    leader = sign_pdf(
        report_pdf,
        SignRequest(
            now=now,
            appearance=Appearance.SIGNATURE,
            box=BOX,
            title="CHỦ TỊCH",
            image=demo_image("signature"),
        ),
        p12("leader"),
    )
    return sign_pdf(
        leader,
        SignRequest(now=now, appearance=Appearance.SEAL, image=demo_image("seal")),
        p12("seal"),
    )


def words(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """``(text, x_min, y_min, x_max, y_max)`` of every word, y from the top."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "in.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    number = r'"([\d.]+)"'
    pattern = (
        f"<word xMin={number} yMin={number} xMax={number} yMax={number}>([^<]*)</word>"
    )
    return [
        (m[4], float(m[0]), float(m[1]), float(m[2]), float(m[3]))
        for m in re.findall(pattern, html)
    ]


def render(pdf: bytes, tmp_path: Path) -> Image.Image:
    """The last page at 72 dpi: one pixel per point."""
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    path = tmp_path / "in.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-png",
            "-singlefile",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    return Image.open(tmp_path / "page.png").convert("RGB")


def count(
    image: Image.Image, rect: Rect, test: Callable[[tuple[int, int, int]], bool]
) -> int:
    """Pixels inside ``rect`` (PDF coordinates) that pass ``test``."""
    top = round(PAGE_HEIGHT - rect.y - rect.height)
    crop = image.crop(
        (round(rect.x), top, round(rect.x + rect.width), round(PAGE_HEIGHT - rect.y))
    )
    return sum(1 for pixel in crop.get_flattened_data() if test(pixel))


def is_blue(p: tuple[int, int, int]) -> bool:
    return p[2] > 110 and p[0] < 110 and p[2] - p[0] > 60


def is_red(p: tuple[int, int, int]) -> bool:
    return p[0] > 150 and p[1] < 110 and p[2] < 110


def test_vietnamese_text_has_true_width(signed: bytes, tmp_path: Path) -> None:
    """The name is centred in the box and exactly as wide as the font says."""
    found = words(signed, tmp_path)
    line = [w for w in found if w[0] in {"Nguyễn", "Văn", "An"} and w[4] - w[2] > 8]
    assert [w[0] for w in line[:3]] == ["Nguyễn", "Văn", "An"]
    width = line[2][3] - line[0][1]
    assert width == pytest.approx(
        pdfmetrics.stringWidth("Nguyễn Văn An", BOLD, 11), abs=1.5
    )
    centre = (line[0][1] + line[2][3]) / 2
    assert centre == pytest.approx(BOX.x + BOX.width / 2, abs=1.5)
    text = " ".join(w[0] for w in found)
    assert "CHỦ TỊCH" in text
    assert "Thời gian ký: 2026-11-28T14:00:00+07:00" in text
    assert "Cơ quan: Ủy ban nhân dân tỉnh Đồng Tháp" in text


def test_signature_blue_in_slot_and_seal_red_over_left_third(
    signed: bytes, tmp_path: Path
) -> None:
    image = render(signed, tmp_path)
    box = Rect(BOX.x, BOX.y, BOX.width, BOX.height)
    slot = image_slot(box)
    assert count(image, slot, is_blue) > 300
    seal = seal_rect(box, 36.0)
    assert seal.width == pytest.approx(36 / 25.4 * 72)
    assert count(image, seal, is_red) > 1000
    third = slot.width / 3
    left_third = Rect(slot.x, slot.y, third, slot.height)
    right_part = Rect(slot.x + third + 2, slot.y, slot.width - third - 2, slot.height)
    assert count(image, left_third, is_red) > 100
    assert count(image, right_part, is_red) == 0
    assert count(image, right_part, is_blue) > 100


def test_text_line_sits_top_right(
    report_pdf: bytes, p12: P12, now: datetime, tmp_path: Path
) -> None:
    """Attachments: no image, organisation/number/time at the top right, 10 pt."""
    signed = sign_pdf(
        report_pdf,
        SignRequest(
            now=now,
            appearance=Appearance.TEXT_LINE,
            document_reference="Số: 12/BC-UBND",
        ),
        p12("seal"),
    )
    found = {w[0]: w for w in words(signed, tmp_path)}
    number = found["12/BC-UBND"]
    assert number[3] > 500 and number[2] < 60
    assert number[4] - number[2] == pytest.approx(10 * 0.9, abs=2.5)
    assert "2026-11-28T14:00:00+07:00" in found


def test_invisible_signature_has_no_area(
    report_pdf: bytes, p12: P12, now: datetime
) -> None:
    signed = sign_pdf(report_pdf, SignRequest(now=now), p12("leader"))
    reader = PdfFileReader(BytesIO(signed))
    ((_, _, field_ref),) = list(enumerate_sig_fields(reader))
    rect = [float(v) for v in field_ref.get_object().get("/Rect", [0, 0, 0, 0])]
    assert rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0
