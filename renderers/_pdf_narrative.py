"""The narrative part of the PDF: outline sections as numbered headings and rich text.

Headings are numbered by level the way Vietnamese reports are: level 1 ``I.``,
level 2 ``1.``, level 3 ``1.1.``, level 4 ``a)``. Each section's text is
converted by :mod:`baocao.renderers._pdf_html`; an empty section says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from xml.sax.saxutils import escape as xml_escape

from baocao.renderers._pdf_html import body_style, html_flowables
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.platypus import Flowable, Paragraph

EMPTY_TEXT = "(Chưa có nội dung)"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


class NarrativeSection(Protocol):
    """What the PDF needs of a section (``renderers.narrative.SectionResult``)."""

    @property
    def title(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def html(self) -> str: ...


def roman(number: int) -> str:
    """``4`` → ``IV`` (level-1 headings)."""
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def heading_numbers(levels: Sequence[int]) -> list[str]:
    """The printed number of each heading: ``I.``, ``1.``, ``1.1.``, ``a)``.

    A counter restarts when a heading of a higher level comes; a level that
    skips one (2 right after a new 1) simply starts at 1.
    """
    counters = [0, 0, 0, 0, 0]
    out = []
    for raw in levels:
        level = min(max(int(raw), 1), 4)
        counters[level] += 1
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        if level == 1:
            out.append(f"{roman(counters[1])}.")
        elif level == 2:  # noqa: PLR2004 - the four outline levels
            out.append(f"{counters[2]}.")
        elif level == 3:  # noqa: PLR2004
            out.append(f"{max(counters[2], 1)}.{counters[3]}.")
        else:
            out.append(f"{_letter(counters[4])})")
    return out


def _letter(number: int) -> str:
    """1 → a, 26 → z, 27 → aa (Vietnamese lists use the Latin letters)."""
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        text = chr(97 + rest) + text
    return text


def narrative_flowables(
    sections: Sequence[NarrativeSection], width: float, *, title: str = ""
) -> list[Flowable]:
    """The outline's title, then each section: numbered heading and its text."""
    story: list[Flowable] = []
    if title:
        story.append(
            Paragraph(
                xml_escape(title.upper()),
                body_style(13, bold=True, align=TA_CENTER, space_after=6),
            )
        )
    numbers = heading_numbers([s.level for s in sections])
    for number, section in zip(numbers, sections, strict=True):
        level = min(max(int(section.level), 1), 4)
        heading = f"{number} {section.title}".strip()
        story.append(
            Paragraph(
                xml_escape(heading),
                body_style(
                    13,
                    bold=level <= 2,  # noqa: PLR2004 - levels 1-2 bold, 3-4 italic
                    italic=level >= 3,  # noqa: PLR2004
                    align=TA_LEFT,
                    space_before=6 if level == 1 else 3,
                    space_after=3,
                ),
            )
        )
        body = html_flowables(section.html, width) if section.html.strip() else []
        story.extend(body or [Paragraph(EMPTY_TEXT, body_style(italic=True))])
    return story
