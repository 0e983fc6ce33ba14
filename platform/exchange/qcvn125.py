"""Our mapping to the 13 package types of QCVN 125:2021/BTTTT (DESIGN.md §8).

QCVN 125:2021/BTTTT ("Quy chuẩn kỹ thuật quốc gia về cấu trúc gói tin phục vụ
kết nối các hệ thống thông tin báo cáo") names 13 package types that a
ministerial or provincial reporting system exchanges with the Government's
reporting system. Its field-level schema is NOT public here, so every field name
and code below is OURS, documented in ``docs/exchange.md`` and versioned by
:data:`MAPPING_VERSION`; when the official schema is available, only this module
changes. Everything is pure: plain mappings in, JSON-ready dicts out, ``now``
passed in.

Every package is an envelope ``{"qcvn", "mapping_version", "type", "key",
"sender", "receiver", "created_at", "payload"}`` where ``key`` is the natural key
of what the package carries (a regime id, ``regime/period/unit``...), which the
outbox turns into an idempotency key.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

STANDARD = "QCVN 125:2021/BTTTT"
MAPPING_VERSION = "baocao-qcvn125-1"


class PackageType(enum.StrEnum):
    """The 13 package types of QCVN 125:2021 (our codes, the standard's names)."""

    REGIME = "che_do_bao_cao"  # gói tin chế độ báo cáo
    FORM = "bieu_mau"  # gói tin biểu mẫu báo cáo
    OUTLINE = "de_cuong"  # gói tin đề cương báo cáo
    DATA = "du_lieu_bao_cao"  # gói tin dữ liệu báo cáo (bảng biểu)
    LIST_DATA = "du_lieu_danh_sach"  # gói tin dữ liệu dạng danh sách
    OUTLINE_SUBMISSION = "bao_cao_de_cuong"  # gói tin báo cáo theo đề cương
    STATUS = "trang_thai"  # gói tin trạng thái báo cáo
    PERIOD_CATALOGUE = "danh_muc_ky"  # gói tin danh mục kỳ báo cáo
    INDICATOR_CATALOGUE = "danh_muc_chi_tieu"  # gói tin danh mục chỉ tiêu
    KPI_SET = "bo_chi_so"  # gói tin bộ chỉ số
    INDICATOR_GROUPS = "nhom_chi_tieu"  # gói tin nhóm chỉ tiêu
    DISAGGREGATIONS = "phan_to"  # gói tin phân tổ
    KPI_DATA = "du_lieu_chi_so"  # gói tin dữ liệu chỉ số


class ExchangeCode(DetailEnum):
    """Error codes of the exchange mapping, with Vietnamese messages."""

    EX001 = Detail(
        "bad period key",
        "Mã kỳ báo cáo '{value}' không hợp lệ. Dùng dạng 2026-M03, 2026-Q1, 2026-H1, "
        "2026-9M, 2026-Y hoặc 2026-W09.",
    )
    EX002 = Detail(
        "unknown submission state",
        "Trạng thái báo cáo '{value}' không có trong bảng ánh xạ QCVN 125. Hãy bổ "
        "sung ánh xạ trong baocao.platform.exchange.qcvn125.",
    )
    EX003 = Detail(
        "unknown regime kind",
        "Loại chế độ báo cáo '{value}' không có trong bảng ánh xạ (dinh_ky, "
        "chuyen_de, dot_xuat).",
    )


class ExchangeError(BaocaoError):
    """Something cannot be expressed in the exchange format."""

    http_status = 422

    def __init__(self, code: ExchangeCode, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)


REGIME_KINDS = {"dinh_ky": "DINH_KY", "chuyen_de": "CHUYEN_DE", "dot_xuat": "DOT_XUAT"}
CONTENT_TYPES = {"numeric": "SO_LIEU", "narrative": "DE_CUONG", "linked": "KET_HOP"}
FREQUENCIES = {
    "week": "TUAN",
    "month": "THANG",
    "quarter": "QUY",
    "half_year": "6_THANG",
    "nine_months": "9_THANG",
    "year": "NAM",
    "once": "MOT_LAN",
}
STATES = {
    "draft": "DANG_SOAN",
    "submitted": "CHO_DUYET",
    "approved": "DA_DUYET",
    "signed": "DA_KY",
    "sent": "DA_GUI",
    "accepted": "DA_TIEP_NHAN",
    "returned": "TRA_LAI",
}
_PERIOD = re.compile(
    r"^(\d{4})-(?:M(0[1-9]|1[0-2])|Q([1-4])|H([12])|(9M)|(Y)|W(0[1-9]|[1-4]\d|5[0-3]))$"
)


def envelope(
    kind: PackageType,
    key: str,
    payload: Mapping[str, Any],
    *,
    sender: Mapping[str, Any],
    receiver: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Wrap a payload in our envelope; ``sender``/``receiver`` are units."""
    return {
        "qcvn": STANDARD,
        "mapping_version": MAPPING_VERSION,
        "type": kind.value,
        "key": key,
        "sender": _unit_ref(sender),
        "receiver": _unit_ref(receiver),
        "created_at": now.isoformat(),
        "payload": dict(payload),
    }


def _unit_ref(unit: Mapping[str, Any]) -> dict[str, Any]:
    """A unit by its official identifier (mã định danh) and our code."""
    return {
        "ma_dinh_danh": unit.get("official_id") or "",
        "ma_don_vi": unit.get("code", ""),
        "ten": unit.get("name", ""),
    }


def period_ref(key: str, window: tuple[str, str] | None = None) -> dict[str, Any]:
    """``2026-M03`` → kind, year and number (plus the cut-off window if known).

    :raises ExchangeError: EX001 for a key that is not one of our period forms.
    """
    match = _PERIOD.match(key)
    if match is None:
        raise ExchangeError(ExchangeCode.EX001, value=key)
    year, month, quarter, half, nine, whole, week = match.groups()
    if month:
        kind, number = "THANG", int(month)
    elif quarter:
        kind, number = "QUY", int(quarter)
    elif half:
        kind, number = "6_THANG", int(half)
    elif nine:
        kind, number = "9_THANG", 1
    elif whole:
        kind, number = "NAM", 1
    else:
        kind, number = "TUAN", int(week)
    ref: dict[str, Any] = {
        "ma_ky": key,
        "loai_ky": kind,
        "nam": int(year),
        "so_ky": number,
    }
    if window is not None:
        ref["tu_ngay"], ref["den_ngay"] = window
    return ref


def regime_package(
    regime: Mapping[str, Any],
) -> tuple[PackageType, str, dict[str, Any]]:
    """Chế độ báo cáo: name, kind, content, frequency, units, form version."""
    kind = regime.get("kind", "")
    if kind not in REGIME_KINDS:
        raise ExchangeError(ExchangeCode.EX003, value=kind)
    payload = {
        "ma_che_do": str(regime["id"]),
        "ten": regime["name"],
        "loai": REGIME_KINDS[kind],
        "noi_dung": CONTENT_TYPES.get(regime.get("content", ""), "SO_LIEU"),
        "tan_suat": FREQUENCIES.get(regime.get("frequency", ""), "KHAC"),
        "ma_bieu_mau": str(regime.get("form_id", "")),
        "phien_ban_bieu_mau": regime.get("form_version"),
        "don_vi_bao_cao": list(regime.get("reporting_units", [])),
        "don_vi_nhan": regime.get("receiving_unit", ""),
    }
    return PackageType.REGIME, f"regime/{regime['id']}", payload


def form_package(
    form_id: str, version: int, name: str, compiled: Mapping[str, Any]
) -> tuple[PackageType, str, dict[str, Any]]:
    """Biểu mẫu: every input and formula cell with its indicator and kind."""
    properties = compiled["schema"].get("properties", {})
    formulas = compiled["formulas"]
    fields = [
        {
            "o": address,
            "ten": spec.get("title", ""),
            "kieu": spec.get("x-kind", ""),
            "chi_tieu": spec.get("x-indicator"),
            "tong_hop": formulas.get("inputs", {})
            .get(address, {})
            .get("aggregate", "sum"),
        }
        for address, spec in properties.items()
    ]
    computed = [
        {"o": address, "cong_thuc": cell["formula"]}
        for address, cell in formulas.get("cells", {}).items()
    ]
    payload = {
        "ma_bieu_mau": form_id,
        "phien_ban": version,
        "ten": name,
        "o_nhap_lieu": fields,
        "o_cong_thuc": computed,
        "sha256_mau": compiled.get("source_sha256", ""),
    }
    return PackageType.FORM, f"form/{form_id}/{version}", payload


def outline_package(
    form_id: str,
    version: int,
    layout: Mapping[str, Any],
    outline: Mapping[str, Any] | None = None,
) -> tuple[PackageType, str, dict[str, Any]]:
    """Đề cương: the narrative sections of a form, in order.

    First the rich-text cells of the sheets (``o`` = cell address), then the
    sections of the outline designed in the designer page (``o`` = section key,
    as in ``outline_submission_package``), with level, guidance, required flag
    and word limit.
    """
    sections: list[dict[str, Any]] = [
        {"o": cell["address"], "tieu_de": cell.get("text") or ""}
        for sheet in layout.get("sheets", [])
        for cell in sheet.get("cells", [])
        if cell.get("role") == "narrative"
    ]
    sections.extend(
        {
            "o": item["key"],
            "tieu_de": item.get("title", ""),
            "cap": item.get("level", 1),
            "huong_dan": item.get("guidance", ""),
            "bat_buoc": bool(item.get("required")),
            "so_tu_toi_da": item.get("word_limit"),
        }
        for item in (outline or {}).get("sections", [])
    )
    payload = {"ma_bieu_mau": form_id, "phien_ban": version, "muc": sections}
    if outline and outline.get("title"):
        payload["ten_de_cuong"] = outline["title"]
    return PackageType.OUTLINE, f"outline/{form_id}/{version}", payload


def _submission_key(submission: Mapping[str, Any]) -> str:
    return f"{submission['regime']}/{submission['period']}/{submission['unit']}"


def _submission_head(submission: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "ma_che_do": str(submission["regime"]),
        "ky": period_ref(submission["period"]),
        "ma_don_vi": submission["unit"],
        "ma_bieu_mau": str(submission.get("form_id", "")),
        "phien_ban_bieu_mau": submission.get("form_version"),
    }


def data_package(
    submission: Mapping[str, Any], schema: Mapping[str, Any]
) -> tuple[PackageType, str, dict[str, Any]]:
    """Dữ liệu báo cáo: every non-blank scalar cell with its indicator code.

    ``submission`` carries regime, period, unit, form_id, form_version, data and
    computed; an aggregate carries ``units_included`` as well.
    """
    properties = schema.get("properties", {})
    values = {**submission.get("data", {}), **submission.get("computed", {})}
    cells = [
        {
            "o": address,
            "chi_tieu": properties.get(address, {}).get("x-indicator"),
            "gia_tri": value,
        }
        for address, value in sorted(values.items())
        if value is not None and value != "" and not isinstance(value, list | dict)
    ]
    payload = {**_submission_head(submission), "o": cells}
    if "units_included" in submission:
        payload["tong_hop_tu"] = list(submission["units_included"])
    return PackageType.DATA, f"data/{_submission_key(submission)}", payload


def list_data_package(
    submission: Mapping[str, Any],
) -> tuple[PackageType, str, dict[str, Any]]:
    """Dữ liệu danh sách: repeatable row groups (arrays of rows keyed by column)."""
    groups = {
        name: [dict(row) for row in rows]
        for name, rows in submission.get("data", {}).items()
        if isinstance(rows, list)
    }
    payload = {**_submission_head(submission), "danh_sach": groups}
    return PackageType.LIST_DATA, f"list/{_submission_key(submission)}", payload


def outline_submission_package(
    submission: Mapping[str, Any], narrative: Mapping[str, str]
) -> tuple[PackageType, str, dict[str, Any]]:
    """Báo cáo theo đề cương: sanitised narrative HTML per section cell."""
    payload = {
        **_submission_head(submission),
        "noi_dung": [{"o": a, "html": html} for a, html in sorted(narrative.items())],
    }
    return (
        PackageType.OUTLINE_SUBMISSION,
        f"outline/{_submission_key(submission)}",
        payload,
    )


def status_package(
    submission: Mapping[str, Any], events: Iterable[Mapping[str, Any]] = ()
) -> tuple[PackageType, str, dict[str, Any]]:
    """Trạng thái: the state of a submission and when it reached it.

    The state is part of the natural key so that each transition is its own
    package (and the same transition sent twice is one).
    """
    state = submission["state"]
    if state not in STATES:
        raise ExchangeError(ExchangeCode.EX002, value=state)
    payload = {
        **_submission_head(submission),
        "trang_thai": STATES[state],
        "thoi_diem": submission.get("updated_at"),
        "tre_han": bool(submission.get("late", False)),
        "lich_su": [
            {
                "hanh_dong": e.get("action"),
                "thoi_diem": e.get("time"),
                "ly_do": e.get("reason"),
            }
            for e in events
        ],
    }
    key = f"status/{_submission_key(submission)}/{state}/{submission.get('version', 0)}"
    return PackageType.STATUS, key, payload


def period_catalogue_package(
    regime_id: str, periods: Iterable[Mapping[str, Any]]
) -> tuple[PackageType, str, dict[str, Any]]:
    """Danh mục kỳ: each period with its cut-off window and deadline."""
    items = [
        {
            **period_ref(p["key"], (p["start"], p["end"]) if "start" in p else None),
            "han_nop": p.get("deadline"),
        }
        for p in periods
    ]
    keys = ",".join(item["ma_ky"] for item in items)
    return (
        PackageType.PERIOD_CATALOGUE,
        f"periods/{regime_id}/{keys}",
        {
            "ma_che_do": regime_id,
            "ky": items,
        },
    )


def _indicator(ind: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "ma_chi_tieu": ind["code"],
        "ten": ind["name"],
        "don_vi_tinh": ind.get("unit_of_measure", ""),
        "nhom": ind.get("group", ""),
        "phan_to": list(ind.get("disaggregations", [])),
        "co_quan_chu_tri": ind.get("owner", ""),
    }


def indicator_catalogue_package(
    indicators: Iterable[Mapping[str, Any]], version: str
) -> tuple[PackageType, str, dict[str, Any]]:
    """Danh mục chỉ tiêu: code, name, unit of measure, group, owner."""
    items = [_indicator(i) for i in indicators]
    return (
        PackageType.INDICATOR_CATALOGUE,
        f"indicators/{version}",
        {
            "phien_ban": version,
            "chi_tieu": items,
        },
    )


def kpi_set_package(
    code: str, name: str, indicator_codes: Iterable[str]
) -> tuple[PackageType, str, dict[str, Any]]:
    """Bộ chỉ số: a named set of indicator codes (e.g. a dashboard's)."""
    payload = {"ma_bo_chi_so": code, "ten": name, "chi_tieu": sorted(indicator_codes)}
    return PackageType.KPI_SET, f"kpiset/{code}", payload


def indicator_groups_package(
    indicators: Iterable[Mapping[str, Any]],
) -> tuple[PackageType, str, dict[str, Any]]:
    """Nhóm chỉ tiêu: the groups of the catalogue with their indicator codes."""
    groups: dict[str, list[str]] = {}
    for ind in indicators:
        groups.setdefault(ind.get("group") or "", []).append(ind["code"])
    items = [{"ma_nhom": g, "chi_tieu": sorted(c)} for g, c in sorted(groups.items())]
    return PackageType.INDICATOR_GROUPS, "groups", {"nhom": items}


def disaggregations_package(
    indicators: Iterable[Mapping[str, Any]],
) -> tuple[PackageType, str, dict[str, Any]]:
    """Phân tổ: every disaggregation used by the catalogue and its indicators."""
    used: dict[str, list[str]] = {}
    for ind in indicators:
        for name in ind.get("disaggregations", []):
            used.setdefault(name, []).append(ind["code"])
    items = [{"ma_phan_to": d, "chi_tieu": sorted(c)} for d, c in sorted(used.items())]
    return PackageType.DISAGGREGATIONS, "disaggregations", {"phan_to": items}


def kpi_data_package(
    submission: Mapping[str, Any], schema: Mapping[str, Any]
) -> tuple[PackageType, str, dict[str, Any]]:
    """Dữ liệu chỉ số: only the cells bound to an indicator, by indicator code."""
    properties = schema.get("properties", {})
    data = submission.get("data", {})
    values = [
        {"ma_chi_tieu": spec["x-indicator"], "o": address, "gia_tri": data[address]}
        for address, spec in sorted(properties.items())
        if spec.get("x-indicator") and data.get(address) not in (None, "")
    ]
    payload = {**_submission_head(submission), "chi_so": values}
    return PackageType.KPI_DATA, f"kpi/{_submission_key(submission)}", payload
