"""The narrative part of a submission (báo cáo theo đề cương, Đ.17.2).

Regimes whose content is ``narrative`` or ``linked`` carry the outline published
with their form version; the unit writes one rich-text section per outline
entry. Text from the browser is untrusted: it is cleaned with nh3
(:func:`~baocao.renderers.sanitize_html`) before it is stored. Saves go through
:func:`services.workflow.save_data`, so the sections share the grid's version
counter and conflict rule (a stale save is a 409 naming the last saver, never an
overwrite). Required sections and word limits are checked when the unit
submits, not on every save: a half-written draft must still be kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from baocao.platform.models.workflow import Regime, Submission
from baocao.platform.services import forms
from baocao.platform.services import workflow as wf
from baocao.platform.services.workflow_config import get_regime
from baocao.renderers import render_narrative, sanitize_html
from baocao.renderers.narrative import NarrativeResult
from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

#: Regime contents that have a narrative part.
NARRATIVE_CONTENTS = ("narrative", "linked")
MAX_SECTION_CHARS = 500_000


class NarrativeCode(DetailEnum):
    """Codes of the narrative part (NR = narrative report)."""

    NR001 = Detail(
        "required sections empty",
        "Chưa gửi được: mục bắt buộc của đề cương chưa có nội dung: {sections}. Hãy "
        "viết các mục này (phần thuyết minh) rồi gửi lại.",
    )
    NR002 = Detail(
        "word limit exceeded",
        "Chưa gửi được: mục '{section}' có {words} từ, vượt giới hạn {limit} từ của "
        "đề cương. Hãy rút gọn mục này rồi gửi lại.",
    )
    NR003 = Detail(
        "no outline",
        "Báo cáo này không có mẫu đề cương nên không lưu được phần thuyết minh. Hãy "
        "liên hệ đơn vị thiết kế biểu mẫu.",
    )
    NR004 = Detail(
        "unknown or oversized section",
        "Mục '{key}' không thuộc đề cương của báo cáo, hoặc dài quá 500.000 ký tự. "
        "Hãy tải lại trang rồi nhập lại.",
    )


class NarrativeError(BaocaoError):
    """A narrative that cannot be saved or submitted (422)."""

    http_status = 422

    def __init__(self, code: NarrativeCode, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)


def outline_of(regime: Regime) -> dict[str, Any] | None:
    """The outline of the regime's form version, when the regime has a narrative."""
    if regime.content not in NARRATIVE_CONTENTS or not regime.form_id:
        return None
    try:
        return forms.load_outline(regime.form_id, regime.form_version)
    except LookupError:
        return None


def render(
    regime: Regime, sub: Submission, *, lang: str = "vi"
) -> NarrativeResult | None:
    """The narrative as stored (sanitised again on the way out), or None."""
    outline = outline_of(regime)
    if outline is None:
        return None
    return render_narrative(outline, dict(sub.narrative_sections or {}), lang=lang)


def save_sections(
    submission_id: str,
    sections: Mapping[str, Any],
    expected_version: int,
    actor: Any,
    *,
    now: datetime,
    form_loader: wf.FormLoader | None = None,
) -> tuple[Submission, NarrativeResult]:
    """Replace the narrative sections (PUT semantics), keeping the grid's data.

    :raises NarrativeError: (422) no outline, or a key not in the outline.
    :raises ConflictError: (409) stale version or lost race (as for the grid).
    """
    sub = wf.get_submission(submission_id)
    outline = outline_of(get_regime(sub.regime_id))
    if outline is None:
        raise NarrativeError(NarrativeCode.NR003)
    keys = {s["key"] for s in outline["sections"]}
    clean: dict[str, str] = {}
    for key, html in sections.items():
        if (
            key not in keys
            or not isinstance(html, str)
            or len(html) > MAX_SECTION_CHARS
        ):
            raise NarrativeError(NarrativeCode.NR004, key=str(key)[:40])
        text = sanitize_html(html).strip()
        if text:
            clean[key] = text
    saved = wf.save_data(
        submission_id,
        sub.get_data(),
        expected_version,
        actor,
        now=now,
        form_loader=form_loader,
        sections=clean,
    )
    return saved, render_narrative(outline, clean)


def check_before_submit(sub: Submission, regime: Regime) -> None:
    """Required sections written and word limits kept.

    :raises NarrativeError: (422) naming the sections to write or shorten.
    """
    outline = outline_of(regime)
    if outline is None:
        return
    result = render_narrative(outline, dict(sub.narrative_sections or {}))
    missing = [f"'{s.title}'" for s in result.sections if s.missing]
    if missing:
        raise NarrativeError(NarrativeCode.NR001, sections=", ".join(missing))
    limits = {s["key"]: s.get("word_limit") for s in outline["sections"]}
    for section in result.sections:
        limit = limits.get(section.key)
        if limit and section.words > limit:
            raise NarrativeError(
                NarrativeCode.NR002,
                section=section.title,
                words=section.words,
                limit=limit,
            )
