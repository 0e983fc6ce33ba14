"""Importing units from CSV/.xlsx (issue 2 item 6): preview, per-row errors."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from baocao.platform.models import AuditEvent, Unit
from baocao.platform.services import units
from baocao.platform.services.errors import Code, InvalidInput


def _csv(text: str) -> bytes:
    return text.strip().encode("utf-8") + b"\n"


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = _csv("""
ma,ten,loai,ma_cap_tren,ma_dinh_danh,hieu_luc_tu
SKHCN-VP,Văn phòng Sở,đơn vị trực thuộc,SKHCN,000.01.12.H18,2025-07-01
SKHCN-TT,Trung tâm Thông tin,truc thuoc,SKHCN,,01/08/2025
SKHCN-TT-1,Phòng Dữ liệu,subunit,SKHCN-TT,,
""")


def test_preview_stores_nothing(seeded: Any, now: datetime) -> None:
    report = units.import_units(GOOD, "donvi.csv", dry_run=True, now=now)
    assert report.ok and not report.stored
    assert [(r.line, r.code, r.action) for r in report.rows] == [
        (2, "SKHCN-VP", "create"),
        (3, "SKHCN-TT", "create"),
        (4, "SKHCN-TT-1", "create"),
    ]
    assert Unit.objects.count() == 115


def test_import_stores_parents_first(seeded: Any, now: datetime) -> None:
    """Rows may name a parent defined further down the file."""
    data = _csv("""
ma,ten,loai,ma_cap_tren
C,Tổ C,subunit,B
B,Tổ B,subunit,SKHCN
""")
    report = units.import_units(data, "x.csv", dry_run=False, now=now)
    assert report.stored and report.count("create") == 2
    assert units.get_unit("C").path == "82/SKHCN/B/C"
    assert AuditEvent.objects(action="unit.import").count() == 1


def test_import_dates_and_official_id(seeded: Any, now: datetime) -> None:
    units.import_units(GOOD, "donvi.csv", dry_run=False, now=now)
    office = units.get_unit("SKHCN-VP")
    assert office.official_id == "000.01.12.H18"
    assert office.valid_from == datetime(2025, 7, 1)
    assert units.get_unit("SKHCN-TT").valid_from == datetime(2025, 8, 1)


def test_one_bad_row_stores_nothing_and_names_each_error(
    seeded: Any, now: datetime
) -> None:
    data = _csv("""
ma,ten,loai,ma_cap_tren,hieu_luc_tu
OK1,Tổ tốt,subunit,SKHCN,
BAD.1,Tổ xấu,subunit,SKHCN,
NOPARENT,Tổ mồ côi,subunit,KHONGCO,
,Không mã,subunit,SKHCN,
DUP,Trùng 1,subunit,SKHCN,
DUP,Trùng 2,subunit,SKHCN,
XA1,Xã sai chỗ,xã,SKHCN,
BADDATE,Ngày sai,subunit,SKHCN,31/02/2025
NOKIND,Không loại,làng,SKHCN,
NONAME,,subunit,SKHCN,
""")
    report = units.import_units(data, "x.csv", dry_run=False, now=now)
    assert not report.stored and not report.ok
    errors = {row.line: row.errors for row in report.rows}
    assert errors[2] == []
    assert errors[3] == [Code.DV003.format(code="BAD.1")]
    assert errors[4] == [Code.DV004.format(parent="KHONGCO")]
    assert errors[5] == [Code.DV003.format(code="")]
    assert errors[6] == errors[7] == [Code.DV017.format(code="DUP", lines="6, 7")]
    assert errors[8] == [
        Code.DV007.format(
            kind="commune",
            parent="SKHCN",
            parent_kind="department",
            hint="Sở, ngành và xã, phường phải trực thuộc tỉnh.",
        )
    ]
    assert errors[9] == [Code.DV013.format(value="31/02/2025")]
    assert errors[10] == [Code.DV008.format(kind="làng")]
    assert errors[11] == [Code.DV012.format()]
    assert Unit.objects.count() == 115


def test_cycle_inside_the_file(seeded: Any, now: datetime) -> None:
    data = _csv("""
ma,ten,loai,ma_cap_tren
P,P,subunit,Q
Q,Q,subunit,P
""")
    report = units.import_units(data, "x.csv", dry_run=True, now=now)
    assert [r.errors for r in report.rows] == [
        [Code.DV006.format(code="P", parent="Q")],
        [Code.DV006.format(code="Q", parent="P")],
    ]


def test_reimport_updates_names_and_refuses_moves(seeded: Any, now: datetime) -> None:
    data = _csv("""
ma,ten,loai,ma_cap_tren
28249,Phường Đạo Thạnh (mới),xã,82
SKHCN,Sở Khoa học và Công nghệ,department,82
STC,Sở Tài chính,subunit,SKHCN
""")
    report = units.import_units(data, "x.csv", dry_run=True, now=now)
    assert [r.action for r in report.rows] == ["update", "unchanged", "error"]
    assert report.rows[2].errors == [
        Code.DV016.format(
            code="STC",
            old="department",
            old_parent="82",
            new="subunit",
            new_parent="SKHCN",
        )
    ]
    fixed = data.replace(
        b"STC,S\xe1\xbb\x9f T\xc3\xa0i ch\xc3\xadnh,subunit,SKHCN\n", b""
    )
    assert units.import_units(fixed, "x.csv", dry_run=False, now=now).stored
    assert units.get_unit("28249").name == "Phường Đạo Thạnh (mới)"
    assert units.get_unit("28249").subtype == "xa"


def test_xlsx_with_semicolon_free_headers(seeded: Any, now: datetime) -> None:
    data = _xlsx(
        [
            ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã cấp trên", "Hiệu lực từ"],
            ["T1", "Tổ một", "Đơn vị trực thuộc", "28249", datetime(2025, 9, 1)],
            [None, None, None, None, None],
            [12345, "Xã số", "xã", 82, None],
        ]
    )
    report = units.import_units(data, "ds.xlsx", dry_run=False, now=now)
    assert report.stored, [r.errors for r in report.rows]
    assert units.get_unit("T1").valid_from == datetime(2025, 9, 1)
    assert units.get_unit("12345").subtype == "xa"


def test_semicolon_csv(seeded: Any, now: datetime) -> None:
    data = "ma;ten;loai;ma_cap_tren\nT9;Tổ chín;subunit;STC\n".encode()
    assert units.import_units(data, "a.csv", dry_run=False, now=now).stored


@pytest.mark.parametrize(
    ("data", "filename", "why"),
    [
        (
            b"abc",
            "a.txt",
            "chỉ nhận tệp .csv hoặc .xlsx (tệp .xlsm có macro bị từ chối).",
        ),
        (b"not a zip", "a.xlsx", "tệp không phải là bảng tính .xlsx hợp lệ."),
        (
            b"ma,ten\nA,B\n",
            "a.csv",
            "thiếu cột loai. Dòng đầu phải là tiêu đề cột "
            "(ma, ten, loai, ma_cap_tren, ma_dinh_danh, phan_loai, hieu_luc_tu).",
        ),
        (
            "ma,ten,loai\n".encode("utf-16"),
            "a.csv",
            "tệp CSV phải được lưu với bảng mã UTF-8.",
        ),
        (b"", "a.csv", "tệp không có dòng tiêu đề."),
    ],
    ids=["extension", "not-xlsx", "missing-column", "not-utf8", "empty"],
)
def test_unreadable_files(
    seeded: Any, now: datetime, data: bytes, filename: str, why: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        units.import_units(data, filename, dry_run=True, now=now)
    assert caught.value.message == Code.DV014.format(filename=filename, why=why)
