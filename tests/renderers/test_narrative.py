"""Narrative reports: nh3 sanitising, outline, word counts, required sections."""

from __future__ import annotations

import pytest
from baocao.renderers import render_narrative, sanitize_html
from baocao.renderers.narrative import count_words


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Tốt<script>alert(1)</script></p>", "<p>Tốt</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<p onclick="x()" style="color:red">a</p>', "<p>a</p>"),
        ('<img src=x onerror="alert(1)">', ""),
        (
            '<a href="https://dongthap.gov.vn">Cổng</a>',
            '<a href="https://dongthap.gov.vn" rel="noopener noreferrer">Cổng</a>',
        ),
        (
            "<h2>I. Kết quả</h2><ul><li><b>Đạt</b> <i>90%</i></li></ul>",
            "<h2>I. Kết quả</h2><ul><li><b>Đạt</b> <i>90%</i></li></ul>",
        ),
        (
            '<table><tr><td colspan="2">Tổng</td></tr></table>',
            '<table><tbody><tr><td colspan="2">Tổng</td></tr></tbody></table>',
        ),
        ("<iframe src='https://x'></iframe><p>ok</p>", "<p>ok</p>"),
    ],
    ids=[
        "script",
        "javascript-url",
        "handlers-style",
        "img",
        "https-link",
        "headings-lists",
        "table",
        "iframe",
    ],
)
def test_sanitize_html(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


def test_count_words_counts_vietnamese_syllables() -> None:
    assert count_words("<p>Kết quả thực hiện</p><ul><li>đạt 95,5%</li></ul>") == 6


OUTLINE = {
    "title": "BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI",
    "sections": [
        {
            "key": "1",
            "title": "I. Kết quả đạt được",
            "required": True,
            "guidance": "Nêu các chỉ tiêu chủ yếu.",
            "children": [
                {"key": "1.1", "title": "1. Kinh tế", "required": True},
                {"key": "1.2", "title": "2. Xã hội"},
            ],
        },
        {
            "key": "2",
            "title": "II. Phương hướng",
            "required": True,
            "guidance": "Nhiệm vụ tháng tới.",
        },
    ],
}


def test_render_narrative_checks_required_sections() -> None:
    result = render_narrative(
        OUTLINE,
        {
            "1": "<p>Tăng trưởng khá <script>x</script></p>",
            "1.1": "<p>GRDP tăng 6,5%.</p>",
            "1.2": "",
        },
    )
    assert [(s.key, s.level, s.words) for s in result.sections] == [
        ("1", 1, 3),
        ("1.1", 2, 3),
        ("1.2", 2, 0),
        ("2", 1, 0),
    ]
    assert result.missing_required == ("2",)
    assert not result.complete
    assert result.total_words == 6
    assert "<script>" not in result.html
    assert '<h3 class="bc-section-title">1. Kinh tế' in result.html
    assert "Hướng dẫn: Nhiệm vụ tháng tới." in result.html
    assert "Phần bắt buộc chưa có nội dung." in result.html


def test_render_narrative_complete() -> None:
    result = render_narrative(OUTLINE["sections"], {"1": "a", "1.1": "b", "2": "c"})
    assert result.complete and result.total_words == 3
