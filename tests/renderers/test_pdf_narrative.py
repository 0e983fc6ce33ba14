"""The narrative sections in the PDF and the CSV (issue #4 items 1, 6, 7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from baocao.renderers import (
    PdfHeader,
    SignatureBlock,
    render_csv,
    render_narrative,
    render_pdf_document,
)
from baocao.renderers._pdf_html import html_flowables
from baocao.renderers._pdf_narrative import EMPTY_TEXT, heading_numbers
from baocao.renderers.errors import LayoutError
from baocao.renderers.narrative import html_to_text
from reportlab.platypus import Paragraph, Table
from support import require

HEADER = PdfHeader(
    agency="UBND xã Tân Hòa",
    date=dt.date(2026, 4, 3),
    title="Báo cáo tình hình kinh tế - xã hội — kỳ 2026-M03",
)
SIGNER = SignatureBlock(title="Chủ tịch", name="Nguyễn Thị Ánh")
OUTLINE = {
    "title": "Thuyết minh tình hình",
    "sections": [
        {"key": "m1", "title": "Tình hình chung", "level": 1},
        {"key": "m2", "title": "Kết quả đạt được", "level": 2},
        {"key": "m3", "title": "Nông nghiệp", "level": 3},
        {"key": "m4", "title": "Khó khăn, vướng mắc", "level": 1},
        {"key": "m5", "title": "Kiến nghị", "level": 2},
    ],
}
SECTIONS = {
    "m1": "<p>Kinh tế <b>tăng trưởng khá</b>, thu ngân sách <i>đạt kế hoạch</i>.</p>"
    "<ul><li>Giải ngân vốn đầu tư công</li><li>Chuyển đổi số<ul><li>Dịch vụ công"
    "</li></ul></li></ul><ol><li>Lúa đông xuân</li><li>Thủy sản</li></ol>",
    "m2": "<table><tr><th>Chỉ tiêu</th><th>Kết quả</th></tr>"
    "<tr><td>Hộ nghèo giảm</td><td>12 hộ</td></tr></table>",
    "m3": "Sản lượng lúa ước đạt 15.200 tấn",
    "m5": "<p>=Đề nghị tỉnh hỗ trợ kinh phí</p>",
}


def pdftotext(data: bytes, tmp_path: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "narrative.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_narrative_only_pdf_has_numbered_headings_text_lists_and_signature(
    tmp_path: Path,
) -> None:
    """NR-PDF-01: with no sheet, the PDF is the header block, the title, each
    section with its number by level and its text (bold/italic kept as words,
    bullets and numbers for lists, table cells), then the signature block."""
    narrative = render_narrative(OUTLINE, SECTIONS)
    result = render_pdf_document(
        {"sheets": []},
        {},
        {},
        header=HEADER,
        signature_block=SIGNER,
        narrative=narrative,
    )
    text = _squeeze(pdftotext(result.data, tmp_path))
    for expected in (
        "UBND XÃ TÂN HÒA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI — KỲ 2026-M03",
        "THUYẾT MINH TÌNH HÌNH",
        "I. Tình hình chung",
        "Kinh tế tăng trưởng khá, thu ngân sách đạt kế hoạch.",
        "• Giải ngân vốn đầu tư công",
        "• Dịch vụ công",
        "1. Lúa đông xuân",
        "2. Thủy sản",
        "1. Kết quả đạt được",
        "Chỉ tiêu Kết quả",
        "Hộ nghèo giảm 12 hộ",
        "1.1. Nông nghiệp",
        "Sản lượng lúa ước đạt 15.200 tấn",
        "II. Khó khăn, vướng mắc",
        EMPTY_TEXT,
        "1. Kiến nghị",
        "=Đề nghị tỉnh hỗ trợ kinh phí",
        "CHỦ TỊCH",
        "Nguyễn Thị Ánh",
    ):
        assert expected in text, expected
    assert text.index("II. Khó khăn") < text.index("Nguyễn Thị Ánh")
    assert not result.landscape and result.signature_box.page == result.page_count - 1


def test_linked_pdf_prints_the_grid_then_the_narrative(
    sample: Any, tmp_path: Path
) -> None:
    """NR-PDF-02: a linked report prints the sheet's table first, then the sections."""
    _schema, layout = sample.build_form(4)
    data, computed = sample.sample_values(4)
    narrative = render_narrative(OUTLINE, SECTIONS)
    result = render_pdf_document(
        layout,
        data,
        computed,
        header=HEADER,
        signature_block=SIGNER,
        sheets=[layout["sheets"][0]["name"]],
        narrative=narrative,
    )
    text = _squeeze(pdftotext(result.data, tmp_path))
    assert "Kim ngạch xuất khẩu" in text and "I. Tình hình chung" in text
    assert text.index("Kim ngạch xuất khẩu") < text.index("I. Tình hình chung")


def test_nothing_to_print_is_a_layout_error() -> None:
    """NR-PDF-03: no sheet and no narrative is still RD004."""
    with pytest.raises(LayoutError) as caught:
        render_pdf_document(
            {"sheets": []}, {}, {}, header=HEADER, signature_block=SIGNER
        )
    assert caught.value.code == "RD004"


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (
            [1, 2, 2, 3, 3, 4, 1, 2],
            ["I.", "1.", "2.", "2.1.", "2.2.", "a)", "II.", "1."],
        ),
        ([2, 2, 1, 1, 1, 1], ["1.", "2.", "I.", "II.", "III.", "IV."]),
        ([1, 3, 4, 4], ["I.", "1.1.", "a)", "b)"]),
    ],
    ids=["nested", "roman-after-arabic", "skipped-level"],
)
def test_heading_numbers_by_level(levels: list[int], expected: list[str]) -> None:
    """NR-PDF-04: I./II. for level 1, 1./2. for 2, 1.1. for 3, a)/b) for 4;
    deeper counters restart under a new heading."""
    assert heading_numbers(levels) == expected


def test_spans_and_badly_nested_styles_become_valid_flowables() -> None:
    """NR-PDF-05: colspan/rowspan are kept as spans; a bold that crosses a
    block is closed and reopened, so reportlab accepts the markup."""
    flowables = html_flowables(
        "<table><tr><td colspan='2'>A</td></tr><tr><td rowspan='2'>B</td><td>C"
        "</td></tr><tr><td>D</td></tr></table><p><b>một <i>hai</b> ba</i></p>"
        "<p><a href='https://x.vn/?a=1&amp;b=2'>liên kết</a></p>",
        400,
    )
    table = next(f for f in flowables if isinstance(f, Table))
    spans = [c for c in table._bkgrndcmds + table._spanCmds if c[0] == "SPAN"]
    assert ((0, 0), (1, 0)) in [(s[1], s[2]) for s in spans]
    assert ((0, 1), (0, 2)) in [(s[1], s[2]) for s in spans]
    paragraphs = [f for f in flowables if isinstance(f, Paragraph)]
    assert [p.getPlainText() for p in paragraphs] == ["một hai ba", "liên kết"]


def test_csv_has_one_line_per_section_with_plain_escaped_text() -> None:
    """NR-CSV-01: sheet 'Đề cương', the key as the cell, the heading as the
    label, the plain text as the value; text that starts with = is escaped."""
    narrative = render_narrative(OUTLINE, SECTIONS)
    text = render_csv({"properties": {}}, {"sheets": []}, {}, {}, narrative=narrative)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["sheet", "cell", "indicator", "label", "value"]
    by_key = {row[1]: row for row in rows[1:]}
    assert list(by_key) == ["m1", "m2", "m3", "m4", "m5"]
    assert by_key["m1"][0] == "Đề cương" and by_key["m1"][3] == "Tình hình chung"
    assert by_key["m1"][4].startswith("Kinh tế tăng trưởng khá, thu ngân sách")
    assert "Dịch vụ công" in by_key["m1"][4]
    assert by_key["m2"][4] == "Chỉ tiêu Kết quả Hộ nghèo giảm 12 hộ"
    assert by_key["m4"][4] == ""
    assert by_key["m5"][4] == "'=Đề nghị tỉnh hỗ trợ kinh phí"
    # the editor writes a line, then a list, with no block around the line
    assert html_to_text("ổn định.<ul><li>Thu</li></ul>Chi") == "ổn định. Thu Chi"
