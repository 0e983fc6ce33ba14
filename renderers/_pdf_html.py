"""Sanitised rich text (HTML) → reportlab flowables, for the narrative PDF.

The text comes from :func:`~baocao.renderers.sanitize_html` (nh3), so only the
allowed tags can appear: a small :class:`html.parser.HTMLParser` turns them into
reportlab flowables. Paragraphs, headings, quotes, bold/italic/underline/strike,
sub/superscript and links become ``Paragraph`` markup; lists become indented
paragraphs with bullets or numbers; tables become a ``Table`` with a grid and
their col/row spans. Inline styles still open when a block ends are closed and
reopened in the next one, so the markup given to reportlab is always nested
well whatever the editor produced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from baocao.renderers._pdf_fonts import font_name
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

BODY_SIZE = 13.0
_INLINE = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "s": "strike",
    "sub": "sub",
    "sup": "super",
}
_BLOCKS = frozenset({"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_LIST_INDENT = 7 * mm
_CELL_PADDING = 3.0


def body_style(
    size: float = BODY_SIZE,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int = TA_JUSTIFY,
    indent: float = 0,
    first_line: float = 0,
    space_before: float = 0,
    space_after: float = 4,
) -> ParagraphStyle:
    return ParagraphStyle(
        "n",
        fontName=font_name(bold, italic),
        fontSize=size,
        leading=size * 1.25,
        alignment=align,
        leftIndent=indent,
        bulletIndent=max(indent - _LIST_INDENT + 1.5 * mm, 0),
        bulletFontName=font_name(),
        bulletFontSize=size,
        firstLineIndent=first_line,
        spaceBefore=space_before,
        spaceAfter=space_after,
    )


@dataclass
class _Cell:
    flowables: list[Flowable] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1
    header: bool = False


@dataclass
class _TableState:
    width: float
    rows: list[list[_Cell]] = field(default_factory=list)


@dataclass
class _List:
    ordered: bool
    number: int = 0


class _Converter(HTMLParser):
    """Sanitised HTML → flowables (one instance per section)."""

    def __init__(self, width: float, size: float = BODY_SIZE) -> None:
        super().__init__(convert_charrefs=True)
        self.size = size
        self.containers: list[tuple[list[Flowable], float]] = [([], width)]
        self.tables: list[_TableState] = []
        self.lists: list[_List] = []
        self.inline: list[str] = []
        self.text: list[str] = []
        self.has_text = False
        self.block = "p"
        self.bullet: str | None = None

    @property
    def out(self) -> list[Flowable]:
        return self.containers[-1][0]

    def result(self) -> list[Flowable]:
        self.close()
        self._flush()
        return self.containers[0][0]

    def _open_markup(self) -> str:
        return "".join(_open_tag(tag) for tag in self.inline)

    def _flush(self) -> None:
        """End the paragraph being written (if it has any text)."""
        body, has_text = "".join(self.text), self.has_text
        self.text, self.has_text = [self._open_markup()], False
        if not has_text:
            self.bullet = None
            return
        closing = "".join(f"</{_tag_name(t)}>" for t in reversed(self.inline))
        style = self._paragraphbody_style()
        try:
            paragraph = Paragraph(body + closing, style, bulletText=self.bullet)
        except ValueError:  # markup reportlab refuses: keep the words, drop styles
            plain = xml_escape(re.sub(r"<[^>]*>", "", body.replace("<br/>", " ")))
            paragraph = Paragraph(plain, style, bulletText=self.bullet)
        self.out.append(paragraph)
        self.bullet = None

    def _paragraphbody_style(self) -> ParagraphStyle:
        in_cell = len(self.containers) > 1
        size = self.size - 1 if in_cell else self.size
        indent = _LIST_INDENT * len(self.lists)
        if self.block.startswith("h") and self.block[1:].isdigit():
            bump = max(0, 4 - int(self.block[1:])) * 0.5
            return body_style(
                size + bump, bold=True, align=TA_LEFT, indent=indent, space_before=3
            )
        if self.block == "blockquote":
            return body_style(size, italic=True, indent=indent + 10 * mm)
        if in_cell:
            return body_style(size, align=TA_LEFT, space_after=1, indent=indent)
        first = 0 if self.lists else 10 * mm
        return body_style(size, indent=indent, first_line=first)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in _INLINE:
            self.inline.append(_INLINE[tag])
            self.text.append(_open_tag(_INLINE[tag]))
        elif tag == "a":
            href = values.get("href", "")
            self.inline.append(f"a:{href}")
            self.text.append(_open_tag(f"a:{href}"))
        elif tag == "br":
            self.text.append("<br/>")
        elif tag in _BLOCKS:
            self._flush()
            self.block = tag
        elif tag == "hr":
            self._flush()
            self.out.append(
                HRFlowable(width="100%", thickness=0.5, spaceBefore=3, spaceAfter=3)
            )
        elif tag in ("ul", "ol"):
            self._flush()
            start = values.get("start", "1")
            first = int(start) - 1 if start.isdigit() else 0
            self.lists.append(_List(tag == "ol", first))
        elif tag == "li":
            self._flush()
            if self.lists:
                current = self.lists[-1]
                current.number += 1
                self.bullet = f"{current.number}." if current.ordered else "•"
        else:
            self._table_start(tag, values)

    def _table_start(self, tag: str, values: dict[str, str]) -> None:
        if tag == "table":
            self._flush()
            self.tables.append(_TableState(self.containers[-1][1]))
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            if not table.rows:
                table.rows.append([])
            cell = _Cell(
                colspan=_span(values.get("colspan")),
                rowspan=_span(values.get("rowspan")),
                header=tag == "th",
            )
            table.rows[-1].append(cell)
            self._flush()
            # A table nested in a cell gets half the outer width (rare in reports).
            self.containers.append((cell.flowables, table.width / 2))
            self.block = "p"
            if cell.header:
                self.inline.append("b")
                self.text.append(_open_tag("b"))
        elif tag == "caption":
            self._flush()
            self.block = "caption"

    def _close_inline(self, name: str) -> None:
        """Close ``name`` and reopen the styles opened after it (``<b><i></b>``)."""
        for index in range(len(self.inline) - 1, -1, -1):
            if _tag_name(self.inline[index]) == name:
                above = self.inline[index + 1 :]
                closing = reversed(self.inline[index:])
                self.text.append("".join(f"</{_tag_name(t)}>" for t in closing))
                del self.inline[index]
                self.text.append("".join(_open_tag(t) for t in above))
                return

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE or tag == "a":
            self._close_inline(_INLINE.get(tag, "a"))
        elif tag in _BLOCKS or tag == "caption":
            self._flush()
            self.block = "p"
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "li":
            self._flush()
        elif tag in ("td", "th"):
            self._end_cell(header=tag == "th")
        elif tag == "table" and self.tables:
            self._flush()
            state = self.tables.pop()
            built = _build_table(state)
            if built is not None:
                self.out.extend([built, Spacer(1, 2 * mm)])

    def _end_cell(self, *, header: bool) -> None:
        if header and "b" in self.inline:
            self.handle_endtag("b")
        self._flush()
        if len(self.containers) > 1:
            self.containers.pop()
        self.block = "p"

    def handle_data(self, data: str) -> None:
        self.text.append(xml_escape(data))
        self.has_text = self.has_text or bool(data.strip())


def _open_tag(tag: str) -> str:
    if tag.startswith("a:"):
        return f'<a href={quoteattr(tag[2:])} color="blue">'
    return f"<{tag}>"


def _tag_name(tag: str) -> str:
    return "a" if tag.startswith("a:") else tag


def _span(value: str | None) -> int:
    return min(int(value), 50) if value and value.isdigit() and int(value) > 0 else 1


def _build_table(state: _TableState) -> Table | None:
    """A reportlab table on an occupancy grid: spans land where HTML puts them."""
    taken: dict[tuple[int, int], bool] = {}
    placed: list[tuple[int, int, _Cell]] = []
    for row_index, row in enumerate(state.rows):
        col = 0
        for cell in row:
            while taken.get((row_index, col)):
                col += 1
            for r in range(row_index, row_index + cell.rowspan):
                for c in range(col, col + cell.colspan):
                    taken[(r, c)] = True
            placed.append((row_index, col, cell))
            col += cell.colspan
    if not placed:
        return None
    rows = max(r for r, _ in taken) + 1
    cols = max(c for _, c in taken) + 1
    data: list[list[Any]] = [[""] * cols for _ in range(rows)]
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("FONT", (0, 0), (-1, -1), font_name(), BODY_SIZE - 1),
    ]
    for r, c, cell in placed:
        data[r][c] = cell.flowables or ""
        end = (min(c + cell.colspan, cols) - 1, min(r + cell.rowspan, rows) - 1)
        if end != (c, r):
            commands.append(("SPAN", (c, r), end))
        if cell.header:
            commands.append(("BACKGROUND", (c, r), end, colors.HexColor("#f0f0f0")))
    table = Table(data, colWidths=[state.width / cols] * cols, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def html_flowables(html: str, width: float) -> list[Flowable]:
    """Flowables of one section's sanitised HTML, ``width`` points wide."""
    converter = _Converter(width)
    converter.feed(html)
    return converter.result()
