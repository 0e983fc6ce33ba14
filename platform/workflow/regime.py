"""Reporting regimes (chế độ báo cáo) and the check that gates publishing.

Nghị định 09/2019 Đ.7 lists what every regime must state: name, content, who
reports, who receives, how it is sent and received, the cut-off, the deadline,
the frequency, the outline and/or form, and the process guidance; Đ.8 the form.
A regime is saved as a draft with anything missing, but :func:`require_publishable`
refuses to publish it until :func:`check_regime` finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from baocao.platform.workflow.errors import PeriodError, RegimeIncompleteError
from baocao.platform.workflow.periods import CutoffRule, DeadlineRule, Frequency

__all__ = [
    "CONTENTS",
    "KINDS",
    "METHODS",
    "RegimeSpec",
    "UnitRef",
    "UnitSelector",
    "check_regime",
    "require_publishable",
    "resolve_units",
]

KINDS = {"dinh_ky": "định kỳ", "chuyen_de": "chuyên đề", "dot_xuat": "đột xuất"}
CONTENTS = {"numeric": "số liệu", "narrative": "đề cương", "linked": "gắn kết"}
#: Phương thức gửi, nhận báo cáo (Nghị định 09/2019 Đ.7, Đ.11).
METHODS = {
    "he_thong": "qua hệ thống thông tin báo cáo",
    "van_ban_dien_tu": "văn bản điện tử",
    "email": "thư điện tử",
    "buu_chinh": "dịch vụ bưu chính",
    "fax": "fax",
    "truc_tiep": "gửi trực tiếp",
}
_MODES = ("list", "kind", "subtree")


@dataclass(frozen=True, slots=True)
class UnitRef:
    """What :func:`resolve_units` needs to know about a unit."""

    code: str
    kind: str
    ancestors: tuple[str, ...] = ()
    """Codes of every ancestor, root first (the materialised path)."""


@dataclass(frozen=True, slots=True)
class UnitSelector:
    """Reporting units chosen by list, by kind (in a subtree or not), or by subtree."""

    mode: str = "list"
    codes: tuple[str, ...] = ()
    kind: str = ""
    root: str = ""

    @classmethod
    def from_value(cls, value: Any) -> UnitSelector:
        """Accept a list of codes (the API's short form) or a selector object."""
        if isinstance(value, UnitSelector):
            return value
        if isinstance(value, Mapping):
            return cls(
                mode=str(value.get("mode", "list")),
                codes=tuple(str(c) for c in value.get("codes", ()) or ()),
                kind=str(value.get("kind") or ""),
                root=str(value.get("root") or ""),
            )
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            return cls(codes=tuple(str(c) for c in value))
        return cls()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "mode": self.mode,
            "codes": list(self.codes),
            "kind": self.kind,
            "root": self.root,
        }

    def problems(self) -> list[str]:
        """What is missing for the selector to name any unit."""
        if self.mode not in _MODES:
            return [
                f"cách chọn đơn vị '{self.mode}' không tồn tại (list, kind, subtree)"
            ]
        if self.mode == "list" and not self.codes:
            return ["chưa chọn đơn vị thực hiện báo cáo"]
        if self.mode == "kind" and not self.kind:
            return ["chưa chọn loại đơn vị thực hiện báo cáo"]
        if self.mode == "subtree" and not self.root:
            return ["chưa chọn đơn vị gốc của cây đơn vị thực hiện báo cáo"]
        return []


def resolve_units(selector: UnitSelector, units: Iterable[UnitRef]) -> list[str]:
    """Codes of the reporting units a selector names, sorted, among ``units``."""
    chosen: list[str] = []
    for unit in units:
        if selector.mode == "list":
            keep = unit.code in selector.codes
        elif selector.mode == "kind":
            keep = unit.kind == selector.kind and (
                not selector.root or selector.root in unit.ancestors
            )
        else:
            keep = selector.root in unit.ancestors and (
                not selector.kind or unit.kind == selector.kind
            )
        if keep:
            chosen.append(unit.code)
    return sorted(chosen)


@dataclass(frozen=True, slots=True)
class RegimeSpec:
    """Every element of a regime as plain values (a draft may lack some)."""

    name: str = ""
    kind: str = ""
    content: str = ""
    reporting_units: UnitSelector = field(default_factory=UnitSelector)
    receiving_unit: str = ""
    methods: tuple[str, ...] = ()
    cutoff: Mapping[str, Any] | None = None
    deadline: Mapping[str, Any] | None = None
    frequency: str = ""
    form_id: str = ""
    form_version: int | None = None
    outline: str = ""
    guidance: str = ""
    chain_id: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RegimeSpec:
        """Lenient parse of an API payload; :func:`check_regime` reports problems."""
        version = data.get("form_version")
        methods = data.get("methods") or data.get("method") or ()
        if isinstance(methods, str):
            methods = (methods,)
        return cls(
            name=str(data.get("name") or "").strip(),
            kind=str(data.get("kind") or ""),
            content=str(data.get("content") or ""),
            reporting_units=UnitSelector.from_value(data.get("reporting_units")),
            receiving_unit=str(data.get("receiving_unit") or ""),
            methods=tuple(str(m) for m in methods),
            cutoff=data.get("cutoff") or data.get("cutoff_rule"),
            deadline=data.get("deadline") or data.get("deadline_rule"),
            frequency=str(data.get("frequency") or ""),
            form_id=str(data.get("form_id") or ""),
            form_version=int(version)
            if isinstance(version, int | str) and str(version).isdigit()
            else None,
            outline=str(data.get("outline") or ""),
            guidance=str(data.get("guidance") or ""),
            chain_id=str(data.get("chain_id") or ""),
        )


def check_regime(spec: RegimeSpec) -> list[str]:
    """Every element missing or wrong, as Vietnamese phrases (empty = publishable)."""
    problems: list[str] = []
    if not spec.name:
        problems.append("tên báo cáo")
    if spec.kind not in KINDS:
        problems.append("loại báo cáo (định kỳ / chuyên đề / đột xuất)")
    if spec.content not in CONTENTS:
        problems.append("nội dung báo cáo (số liệu / đề cương / gắn kết)")
    problems.extend(spec.reporting_units.problems())
    if not spec.receiving_unit:
        problems.append("cơ quan nhận báo cáo")
    if not spec.methods:
        problems.append("phương thức gửi, nhận báo cáo")
    problems.extend(
        f"phương thức '{m}' không tồn tại" for m in spec.methods if m not in METHODS
    )
    problems.extend(_timing_problems(spec))
    problems.extend(_form_problems(spec))
    if not spec.guidance.strip():
        problems.append("hướng dẫn quy trình thực hiện báo cáo")
    if not spec.chain_id:
        problems.append("quy trình phê duyệt")
    return problems


def _timing_problems(spec: RegimeSpec) -> list[str]:
    problems: list[str] = []
    frequency: Frequency | None = None
    try:
        frequency = Frequency(spec.frequency)
    except ValueError:
        problems.append("tần suất thực hiện báo cáo")
    if frequency == Frequency.ONCE and spec.kind == "dinh_ky":
        problems.append("báo cáo định kỳ phải có tần suất lặp lại (không phải một lần)")
    if spec.cutoff is None:
        problems.append("thời gian chốt số liệu")
    else:
        try:
            cutoff = CutoffRule.from_dict(spec.cutoff)
        except PeriodError as err:
            problems.append(f"thời gian chốt số liệu: {err.message}")
        else:
            if frequency == Frequency.ONCE and "once" not in cutoff.windows:
                problems.append(
                    "thời gian chốt số liệu của báo cáo một lần "
                    "(ngày bắt đầu, kết thúc)"
                )
    if spec.deadline is None:
        problems.append("thời hạn gửi báo cáo")
    else:
        try:
            deadline = DeadlineRule.from_dict(spec.deadline)
        except PeriodError as err:
            problems.append(f"thời hạn gửi báo cáo: {err.message}")
        else:
            if frequency == Frequency.WEEK and deadline.kind == "day_of_last_month":
                problems.append(
                    "báo cáo tuần phải tính thời hạn theo số ngày làm việc "
                    "sau ngày chốt"
                )
    return problems


def _form_problems(spec: RegimeSpec) -> list[str]:
    has_form = bool(spec.form_id) and spec.form_version is not None
    has_outline = bool(spec.outline.strip())
    needs: Sequence[tuple[bool, str]] = {
        "numeric": ((has_form, "biểu mẫu số liệu (form_id và form_version)"),),
        "narrative": ((has_outline or has_form, "mẫu đề cương báo cáo"),),
        "linked": (
            (has_form, "biểu mẫu số liệu (form_id và form_version)"),
            (has_outline or has_form, "mẫu đề cương báo cáo"),
        ),
    }.get(spec.content, ((has_form or has_outline, "mẫu đề cương hoặc biểu mẫu"),))
    return [label for ok, label in needs if not ok]


def require_publishable(spec: RegimeSpec) -> RegimeSpec:
    """Return ``spec`` when every required element is present.

    :raises RegimeIncompleteError: listing everything missing.
    """
    problems = check_regime(spec)
    if problems:
        raise RegimeIncompleteError(spec.name or "?", problems)
    return spec
