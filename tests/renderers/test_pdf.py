"""PDF of a filled form (issue #4 item 6): text, layout, fonts, signature box."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from baocao.renderers import PdfHeader, SignatureBlock, render_pdf, render_pdf_document
from baocao.renderers.pdf import vietnamese_date_line
from support import require

HEADER = PdfHeader(
    agency="Sở Tài chính",
    parent_agency="Ủy ban nhân dân tỉnh Đồng Tháp",
    number="12/BC-STC",
    date=dt.date(2026, 2, 5),
)
SIGNER = SignatureBlock(
    title="Phó Giám đốc",
    authority="KT. Giám đốc",
    name="Nguyễn Văn An",
    recipients=("UBND tỉnh (b/c);", "Lưu: VT, KH."),
)


def pdftotext(data: bytes, tmp_path: Path, *extra: str) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", *extra, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 2, 5), "Đồng Tháp, ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 11, 20), "Đồng Tháp, ngày 20 tháng 11 năm 2026"),
        (dt.date(2026, 3, 9), "Đồng Tháp, ngày 09 tháng 3 năm 2026"),
        (None, "Đồng Tháp, ngày ... tháng ... năm ..."),
    ],
    ids=["pad-day-and-month", "no-pad", "month-3-unpadded", "blank"],
)
def test_date_line_per_decree_30(date: dt.date | None, expected: str) -> None:
    assert vietnamese_date_line("Đồng Tháp", date) == expected


def test_pdf_text_has_vietnamese_labels_values_header_and_signature(
    sample: Any, tmp_path: Path
) -> None:
    _schema, layout = sample.build_form(4)
    data, computed = sample.sample_values(4)
    text = pdftotext(
        render_pdf(layout, data, computed, header=HEADER, signature_block=SIGNER),
        tmp_path,
    )
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
        "SỞ TÀI CHÍNH",
        "Số: 12/BC-STC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đồng Tháp, ngày 05 tháng 02 năm 2026",
        "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI",
        "Kim ngạch xuất khẩu",
        "Sản lượng lúa",
        "1.234.567,89",
        "1.000.000,50",
        "12.345.678,91",
        "81,00",
        "Đường Hồ Chí Minh",
        "Trường Mỹ Thọ",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
        "Nơi nhận:",
        "Ghi chú: số liệu ước tính.",
    ):
        assert expected in text, expected
    # one table line keeps the row's cells in order: label, unit, plan, actual, ratio
    assert re.search(
        r"Tổng sản phẩm \(GRDP\)\s+Tỷ đồng\s+1\.234\.567,89\s+1\.000\.000,50\s+81,00",
        text,
    )


def test_fonts_are_embedded_liberation_serif(sample: Any, tmp_path: Path) -> None:
    require(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils)")
    _schema, layout = sample.build_form(4)
    path = tmp_path / "f.pdf"
    path.write_bytes(render_pdf(layout, {}, {}, header=HEADER, signature_block=SIGNER))
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert "LiberationSerif" in line and " yes " in line  # embedded subset


def test_long_table_repeats_header_and_reserves_signature_box(
    sample: Any, tmp_path: Path
) -> None:
    """60 indicator rows span pages; every page repeats the column headings."""
    _schema, layout = sample.build_form(60)
    data, computed = sample.sample_values(60)
    result = render_pdf_document(
        layout, data, computed, header=HEADER, signature_block=SIGNER
    )
    assert result.page_count >= 3
    pages = pdftotext(result.data, tmp_path).split("\f")
    table_pages = [p for p in pages if "Tỷ đồng" in p]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert "Kế hoạch" in page and "Thực hiện" in page
    assert result.signature_box.page == result.page_count - 1
    x1, y1, x2, y2 = result.signature_box.box
    width, height = (842, 595) if result.landscape else (595, 842)
    assert 0 < x1 < x2 <= width and 0 < y1 < y2 <= height
    assert 80 < y2 - y1 < 90  # 30 mm
    last = pages[result.signature_box.page]
    assert last.index("PHÓ GIÁM ĐỐC") < last.index("Nguyễn Văn An")


def test_orientation_follows_the_sheet_width(sample: Any) -> None:
    _schema, layout = sample.build_form(2)
    wide = render_pdf_document(layout, {}, {}, header=HEADER, signature_block=SIGNER)
    assert wide.landscape
    for column in layout["sheets"][0]["columns"]:
        column["width"] = 9.0
    narrow = render_pdf_document(layout, {}, {}, header=HEADER, signature_block=SIGNER)
    assert not narrow.landscape


def test_first_page_png_for_a_human_look(sample: Any, tmp_path: Path) -> None:
    """Renders page 1 with pdftoppm; the PNG is in tmp_path for a look, not in git."""
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    _schema, layout = sample.build_form(30)
    data, computed = sample.sample_values(30)
    path = tmp_path / "form.pdf"
    path.write_bytes(
        render_pdf(layout, data, computed, header=HEADER, signature_block=SIGNER)
    )
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000
