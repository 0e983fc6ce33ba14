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
from typing import Any, NamedTuple

MAX_SECTIONS = 200
MAX_LEVEL = 4
MAX_WORD_LIMIT = 100_000
_KEY = re.compile(r"^m[1-9][0-9]{0,5}$")
_DIGITS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+|[0-9]+")

#: Compared fields, with their Vietnamese names for the diff page.
SECTION_ASPECTS = {
    "position": "thứ tự",
    "title": "tiêu đề",
    "level": "cấp",
    "guidance": "hướng dẫn",
    "required": "bắt buộc",
    "word_limit": "giới hạn số từ",
}


#: The fields of a section, as the page posts them and the API takes them.
SECTION_FIELDS = ("key", "title", "level", "guidance", "required", "word_limit")
#: The fields of the outline itself.
OUTLINE_FIELDS = ("title", "sections")


class OutlineProblem(NamedTuple):
    """One problem of a submitted outline, placed for the page and the API."""

    section: int | None
    """The section's position (1, 2, …) in the submitted list; None for the outline."""
    field: str
    """The JSON field at fault (``level``, ``word_limit``, …); "" for the whole item."""
    message: str
    """Vietnamese: which section, what is wrong, how to fix it."""


class OutlineProblems(ValueError):
    """Every problem of a submitted outline (nothing is stored then)."""

    def __init__(self, items: list[OutlineProblem]) -> None:
        self.items = items
        self.problems = [item.message for item in items]
        super().__init__("; ".join(self.problems))


def _text(value: Any, limit: int) -> tuple[bool, str]:
    """(ok, text): absent → ""; a JSON string up to ``limit`` characters once
    stripped; anything else (number, list, too long) is not ok."""
    if value is None:
        return True, ""
    if not isinstance(value, str):
        return False, ""
    text = value.strip()
    return len(text) <= limit, text


def _whole_number(value: Any) -> int | None:
    """A whole number from a JSON number or a digit string ("1.000" is a
    thousand, Vietnamese grouping); None for booleans, fractions, other text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip().replace(".", ""))
    return None


def _level(value: Any) -> int | None:
    level = _whole_number(value)
    return level if level is not None and 1 <= level <= MAX_LEVEL else None


def _word_limit(value: Any) -> tuple[bool, int | None]:
    """(ok, limit): blank → no limit; otherwise a whole number 1…100 000."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True, None
    number = _whole_number(value)
    return number is not None and 1 <= number <= MAX_WORD_LIMIT, number


def _section(
    item: Any,
    index: int,
    previous_level: int,
    used: set[str],
    problems: list[OutlineProblem],
) -> dict[str, Any]:
    """One section as stored; its problems are added to ``problems``."""
    if not isinstance(item, dict):
        problems.append(OutlineProblem(index, "", (
            f"mục thứ {index}: phải là một đối tượng JSON, ví dụ "
            '{"title": "Tình hình chung", "level": 1}'
        )))
        return _stored_section("", "", max(previous_level, 1), "", False, None)
    ok, title = _text(item.get("title"), 300)
    where = f"mục thứ {index} ('{title}')" if ok and title else f"mục thứ {index}"

    def report(field: str, text: str) -> None:
        problems.append(OutlineProblem(index, field, f"{where}: {text}"))

    for field in sorted(set(item) - set(SECTION_FIELDS)):
        allowed = ", ".join(SECTION_FIELDS)
        report(field, f"không có trường '{field}'; chỉ dùng: {allowed}")
    if not ok or not title:
        report("title", "cần tiêu đề là chữ, 1–300 ký tự")
    level = _level(item.get("level", 1))
    if level is None:
        report("level", f"cấp phải là số nguyên từ 1 đến {MAX_LEVEL}")
    elif level > previous_level + 1:
        report("level", f"cấp {level} ngay sau mục cấp {previous_level}; "
                        f"hãy dùng cấp {previous_level + 1} hoặc nhỏ hơn")
    ok, guidance = _text(item.get("guidance"), 2000)
    if not ok:
        report("guidance", "hướng dẫn phải là chữ, tối đa 2.000 ký tự; hãy rút gọn")
    required = item.get("required")
    if required is not None and not isinstance(required, bool):
        report("required", "'bắt buộc' phải là true hoặc false")
    ok, limit = _word_limit(item.get("word_limit"))
    if not ok:
        report("word_limit",
               "giới hạn số từ phải là số nguyên từ 1 đến 100.000 (hoặc để trống)")
    key = item.get("key")
    key = key if isinstance(key, str) and _KEY.match(key) and key not in used else ""
    if key:
        used.add(key)
    return _stored_section(key, title, level or 1, guidance, bool(required), limit)


def _stored_section(
    key: str, title: str, level: int, guidance: str, required: bool, limit: int | None
) -> dict[str, Any]:
    return {"key": key, "title": title, "level": level, "guidance": guidance,
            "required": required, "word_limit": limit}


def _outline_problems(raw: Any) -> list[OutlineProblem]:
    """Problems of the outline object itself (not of its sections)."""
    if not isinstance(raw, dict):
        return [OutlineProblem(None, "", (
            "dữ liệu đề cương phải là một đối tượng JSON "
            '{"title": "Tên đề cương", "sections": [các mục]}'
        ))]
    problems = [
        OutlineProblem(None, field, f"đề cương không có trường '{field}'; chỉ dùng: "
                                    f"{', '.join(OUTLINE_FIELDS)}")
        for field in sorted(set(raw) - set(OUTLINE_FIELDS))
    ]
    if "sections" not in raw:
        problems.append(OutlineProblem(None, "sections", (
            "thiếu danh sách mục 'sections'; gửi [] nếu muốn xoá hết các mục"
        )))
    elif not isinstance(raw["sections"], list):
        problems.append(OutlineProblem(None, "sections", (
            "'sections' phải là một danh sách các mục [{...}, {...}]"
        )))
    elif len(raw["sections"]) > MAX_SECTIONS:
        problems.append(OutlineProblem(None, "sections", (
            f"tối đa {MAX_SECTIONS} mục; hãy gộp bớt các mục"
        )))
    if not _text(raw.get("title"), 300)[0]:
        problems.append(OutlineProblem(
            None, "title", "tên đề cương phải là chữ, tối đa 300 ký tự"
        ))
    return problems


def normalize_outline(raw: Any) -> dict[str, Any] | None:
    """The outline as stored, or None when it has no sections.

    The page and the API send the same object, checked here only (one
    validation for both): ``{"title"?, "sections": [{"key"?, "title",
    "level"?, "guidance"?, "required"?, "word_limit"?}]}``. A missing, malformed
    or repeated ``key`` gets a new one (``m<n>``); an existing key keeps the
    section's identity across edits.

    :raises OutlineProblems: listing every problem, each placed by section and field.
    """
    problems = _outline_problems(raw)
    if problems:
        raise OutlineProblems(problems)
    used: set[str] = set()
    sections, previous = [], 0
    for index, item in enumerate(raw["sections"], start=1):
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
    return {"title": _text(raw.get("title"), 300)[1], "sections": sections}


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
