"""The narrative outline (mẫu đề cương) designed in the designer page.

An outline is an ordered list of sections: heading, level (1–4), guidance for
the official, a required flag and an optional word limit. It is stored with the
form and snapshotted by ``publish`` like the compiled documents, so a submission
keeps meaning the outline it was written against. Section keys (``m1``, ``m2``,
…) are kept across edits: units' text and version diffs are keyed by them, so
retitling or moving a section is a change, not a remove-and-add.
"""

from __future__ import annotations

import re
from typing import Any

MAX_SECTIONS = 200
MAX_LEVEL = 4
MAX_WORD_LIMIT = 100_000
_KEY = re.compile(r"^m[1-9][0-9]{0,5}$")

#: Compared fields, with their Vietnamese names for the diff page.
SECTION_ASPECTS = {
    "position": "thứ tự",
    "title": "tiêu đề",
    "level": "cấp",
    "guidance": "hướng dẫn",
    "required": "bắt buộc",
    "word_limit": "giới hạn số từ",
}


class OutlineProblems(ValueError):
    """Every problem of a submitted outline, as Vietnamese phrases."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(value: Any, limit: int) -> str | None:
    text = "" if value is None else str(value).strip()
    return text if len(text) <= limit else None


def _level(value: Any) -> int | None:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= MAX_LEVEL else None


def _word_limit(value: Any) -> tuple[bool, int | None]:
    """(ok, limit): blank → no limit; otherwise a whole number 1…100 000."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True, None
    if isinstance(value, bool):
        return False, None
    try:
        number = int(str(value).strip().replace(".", ""))
    except ValueError:
        return False, None
    return 1 <= number <= MAX_WORD_LIMIT, number


def _section(
    item: Any, index: int, previous_level: int, used: set[str], problems: list[str]
) -> dict[str, Any]:
    where = f"mục thứ {index}"
    item = item if isinstance(item, dict) else {}
    title = _text(item.get("title"), 300)
    if not title:
        problems.append(f"{where}: cần tiêu đề (1–300 ký tự)")
    else:
        where = f"mục '{title}'"
    level = _level(item.get("level", 1))
    if level is None:
        problems.append(f"{where}: cấp phải là số từ 1 đến {MAX_LEVEL}")
    elif level > previous_level + 1:
        problems.append(
            f"{where}: cấp {level} ngay sau mục cấp {previous_level}; "
            f"hãy dùng cấp {previous_level + 1} hoặc nhỏ hơn"
        )
    guidance = _text(item.get("guidance"), 2000)
    if guidance is None:
        problems.append(f"{where}: hướng dẫn dài quá 2.000 ký tự")
    ok, limit = _word_limit(item.get("word_limit"))
    if not ok:
        problems.append(
            f"{where}: giới hạn số từ phải là số nguyên từ 1 đến 100.000 (hoặc để trống)"
        )
    key = str(item.get("key") or "")
    if not _KEY.match(key) or key in used:
        key = ""
    if key:
        used.add(key)
    return {
        "key": key,
        "title": title or "",
        "level": level or 1,
        "guidance": guidance or "",
        "required": bool(item.get("required")),
        "word_limit": limit,
    }


def normalize_outline(raw: Any) -> dict[str, Any] | None:
    """The outline as stored, or None when it has no sections.

    :param raw: ``{"title", "sections": [{"key"?, "title", "level", "guidance",
        "required", "word_limit"}]}`` as posted by the page or the API.
    :raises OutlineProblems: listing every problem (nothing is stored then).
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("sections", []), list):
        raise OutlineProblems(["dữ liệu đề cương không đúng dạng"])
    problems: list[str] = []
    title = _text(raw.get("title"), 300)
    if title is None:
        problems.append("tên đề cương dài quá 300 ký tự")
    items = raw.get("sections") or []
    if len(items) > MAX_SECTIONS:
        problems.append(f"tối đa {MAX_SECTIONS} mục")
    used: set[str] = set()
    sections, previous = [], 0
    for index, item in enumerate(items[:MAX_SECTIONS], start=1):
        section = _section(item, index, previous, used, problems)
        previous = section["level"]
        sections.append(section)
    if problems:
        raise OutlineProblems(problems)
    if not sections:
        return None
    counter = max((int(k[1:]) for k in used), default=0)
    for section in sections:
        if not section["key"]:
            counter += 1
            section["key"] = f"m{counter}"
    return {"title": title or "", "sections": sections}


def diff_outlines(
    old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """``[{"key", "title", "change", "fields": {aspect: [old, new]}}]`` by section."""
    before = _by_key(old)
    after = _by_key(new)
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        fields = {
            aspect: [(a or {}).get(aspect), (b or {}).get(aspect)]
            for aspect in SECTION_ASPECTS
            if (a or {}).get(aspect) != (b or {}).get(aspect)
        }
        if not fields:
            continue
        change = "added" if a is None else "removed" if b is None else "changed"
        title = (b or a or {}).get("title", "")
        changes.append({"key": key, "title": title, "change": change, "fields": fields})
    return changes


def _by_key(outline: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    sections = (outline or {}).get("sections") or []
    return {s["key"]: {**s, "position": i} for i, s in enumerate(sections, start=1)}
