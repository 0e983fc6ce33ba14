"""Narrative reports (báo cáo thuyết minh): sanitised rich text in an outline.

Rich text comes from a browser editor, so it is untrusted HTML. It is cleaned
with nh3 (ammonia) on the server, every time it is stored or shown: headings,
paragraphs, lists, tables, bold/italic/underline and links with http(s)/mailto
only. Scripts, event handlers, styles and ``javascript:`` URLs are removed.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from baocao.renderers._templates import render_template, ui_strings

ALLOWED_TAGS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "div",
        "span",
        "blockquote",
        "ul",
        "ol",
        "li",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "sub",
        "sup",
        "a",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "colgroup",
        "col",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_TAG = re.compile(r"<[^>]*>")
#: Tags that separate words: a block's start or end (``ổn định.<ul><li>Thu``).
_BLOCK_END = re.compile(
    r"</?(br|hr|p|li|h\d|tr|td|th|div|ul|ol|table|caption|blockquote)\b[^>]*>",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+(?:[-'\u2019.,]\w+)*")


def sanitize_html(html: str) -> str:
    """Clean untrusted rich text so that it is safe to store and display.

    :param html: HTML from the narrative editor (or anywhere else).
    :returns: HTML holding only the allowed tags and attributes; links get
        ``rel="noopener noreferrer"``.
    """
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    """Plain text of HTML, for counting words and for PDF/CSV export."""
    spaced = _BLOCK_END.sub(" ", html)
    return re.sub(r"\s+", " ", html_module.unescape(_TAG.sub("", spaced))).strip()


def count_words(html: str) -> int:
    """Words of the text, counted as a Vietnamese reader does (syllables)."""
    return len(_WORD.findall(html_to_text(html)))


@dataclass(frozen=True, slots=True)
class SectionResult:
    """One outline section as rendered and checked."""

    key: str
    title: str
    level: int
    required: bool
    words: int
    html: str
    """Sanitised content."""

    @property
    def missing(self) -> bool:
        """A required section with no words."""
        return self.required and self.words == 0


@dataclass(frozen=True, slots=True)
class NarrativeResult:
    """The rendered narrative with the checks the submit step needs."""

    html: str
    sections: tuple[SectionResult, ...]
    total_words: int
    title: str = ""
    """The outline's own title (printed above the sections in the PDF)."""

    @property
    def missing_required(self) -> tuple[str, ...]:
        """Keys of required sections that are still empty."""
        return tuple(s.key for s in self.sections if s.missing)

    @property
    def complete(self) -> bool:
        """Every required section has content."""
        return not self.missing_required


def _flatten(
    items: Sequence[Mapping[str, Any]], level: int
) -> list[tuple[int, Mapping[str, Any]]]:
    """Depth-first list of (level, section) from nested ``children``."""
    flat: list[tuple[int, Mapping[str, Any]]] = []
    for item in items:
        flat.append((int(item.get("level") or level), item))
        flat.extend(_flatten(item.get("children") or (), level + 1))
    return flat


def render_narrative(
    outline: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    sections: Mapping[str, str],
    *,
    lang: str = "vi",
) -> NarrativeResult:
    """Render a narrative report following its outline (mẫu đề cương).

    :param outline: ``{"title": ..., "sections": [...]}`` or the list of
        sections; a section is ``{"key", "title", "guidance", "required",
        "children"}`` (``level`` optional, else the nesting depth).
    :param sections: the unit's HTML per section key (sanitised here again).
    :returns: the HTML fragment, word counts and the required-section check.
    """
    items = outline.get("sections", ()) if isinstance(outline, Mapping) else outline
    title = outline.get("title", "") if isinstance(outline, Mapping) else ""
    results = []
    for level, item in _flatten(items, 1):
        key = str(item["key"])
        content = sanitize_html(sections.get(key) or "")
        results.append(
            SectionResult(
                key=key,
                title=str(item.get("title", "")),
                level=min(level, 5),
                required=bool(item.get("required")),
                words=count_words(content),
                html=content,
            )
        )
    guidance = {
        str(i["key"]): str(i.get("guidance") or "") for _, i in _flatten(items, 1)
    }
    html = render_template(
        "narrative.html",
        title=title,
        sections=results,
        guidance=guidance,
        strings=ui_strings(lang),
        total=sum(r.words for r in results),
    )
    return NarrativeResult(
        html=html,
        sections=tuple(results),
        total_words=sum(r.words for r in results),
        title=str(title or ""),
    )
