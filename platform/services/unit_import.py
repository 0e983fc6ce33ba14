"""Importing units from a CSV or .xlsx file: preview first, all-or-nothing store.

The file has one header row; columns are matched by name (Vietnamese or
English, with or without diacritics). Every row is checked against the stored
tree and against the other rows, and each bad row gets its own Vietnamese
messages. Nothing is stored when any row is bad.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
from baocao.platform.models import Unit, UnitKind
from baocao.platform.services import audit, unit_snapshot
from baocao.platform.services.errors import Code, InvalidInput, ServiceError
from baocao.platform.services.textsearch import fold
from baocao.platform.services.unit_edit import insert_unit
from baocao.platform.services.unit_tree import (
    check_code,
    check_kind,
    placement_error,
)
from baocao.platform.services.workhours import utc_naive

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20000

#: Accepted header names (folded) for each field.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("ma", "ma don vi", "ma xa", "code"),
    "name": ("ten", "ten don vi", "name"),
    "kind": ("loai", "loai don vi", "kind"),
    "parent": ("ma cap tren", "cap tren", "ma cha", "don vi cap tren", "parent"),
    "official_id": ("ma dinh danh", "official id", "official_id"),
    "subtype": ("phan loai", "subtype"),
    "valid_from": ("hieu luc tu", "ngay hieu luc", "valid from", "valid_from"),
}
REQUIRED = ("code", "name", "kind")

#: Accepted kind values (folded) → (kind, default subtype).
KIND_ALIASES: dict[str, tuple[UnitKind, str]] = {
    "province": (UnitKind.PROVINCE, ""),
    "tinh": (UnitKind.PROVINCE, "tinh"),
    "department": (UnitKind.DEPARTMENT, ""),
    "so": (UnitKind.DEPARTMENT, "so"),
    "so, ban, nganh": (UnitKind.DEPARTMENT, ""),
    "nganh": (UnitKind.DEPARTMENT, ""),
    "commune": (UnitKind.COMMUNE, ""),
    "xa": (UnitKind.COMMUNE, "xa"),
    "phuong": (UnitKind.COMMUNE, "phuong"),
    "xa, phuong": (UnitKind.COMMUNE, ""),
    "dac khu": (UnitKind.COMMUNE, "dac-khu"),
    "subunit": (UnitKind.SUBUNIT, ""),
    "don vi truc thuoc": (UnitKind.SUBUNIT, ""),
    "truc thuoc": (UnitKind.SUBUNIT, ""),
}


@dataclass(slots=True)
class ImportRow:
    """One data row of the file, what importing it would do, and its errors."""

    line: int
    code: str
    name: str
    kind: str
    parent: str | None
    official_id: str = ""
    subtype: str = ""
    valid_from: datetime | None = None
    action: str = "create"
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    """The preview (or result) of an import."""

    filename: str
    rows: list[ImportRow]
    stored: bool = False

    @property
    def error_rows(self) -> list[ImportRow]:
        """Rows with at least one error."""
        return [row for row in self.rows if row.errors]

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Every row error as ``{"line", "code", "message"}`` (for the CLI and API)."""
        return [
            {"line": row.line, "code": row.code, "message": message}
            for row in self.rows
            for message in row.errors
        ]

    @property
    def ok(self) -> bool:
        """Whether every row is valid (so the file can be stored)."""
        return not self.error_rows

    def count(self, action: str) -> int:
        """How many rows have this action (create, update, unchanged)."""
        return sum(1 for row in self.rows if row.action == action and not row.errors)


def import_units(
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    actor: str = "system",
    now: datetime | None = None,
) -> ImportReport:
    """Check a CSV/.xlsx unit list and, unless ``dry_run``, store it.

    :returns: the report; ``stored`` is True only when every row was valid and
        ``dry_run`` was False.
    :raises InvalidInput: DV014 when the file cannot be read at all.
    """
    moment = now or datetime.now().astimezone()
    records = read_table(data, filename)
    report = ImportReport(filename, [_parse_row(line, rec) for line, rec in records])
    _check_rows(report.rows, moment)
    if dry_run or not report.ok:
        return report
    _store(report.rows, moment)
    report.stored = True
    audit.record(
        actor,
        "unit.import",
        f"file:{filename}",
        now=moment,
        details={
            "created": report.count("create"),
            "updated": report.count("update"),
            "unchanged": report.count("unchanged"),
        },
    )
    return report


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of the file as ``(line number, {field: value})`` with fields mapped."""

    def fail(why: str) -> InvalidInput:
        return InvalidInput(Code.DV014, filename=filename, why=why)

    if len(data) > MAX_IMPORT_BYTES:
        raise fail(f"tệp lớn hơn {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    lower = filename.lower()
    if lower.endswith(".csv"):
        table = _read_csv(data, fail)
    elif lower.endswith(".xlsx"):
        table = _read_xlsx(data, fail)
    else:
        raise fail("chỉ nhận tệp .csv hoặc .xlsx (tệp .xlsm có macro bị từ chối).")
    if not table:
        raise fail("tệp không có dòng tiêu đề.")
    header = [_field_of(cell) for cell in table[0]]
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        names = ", ".join(HEADERS[f][0] for f in missing)
        raise fail(
            f"thiếu cột {names}. Dòng đầu phải là tiêu đề cột (ma, ten, loai, "
            "ma_cap_tren, ma_dinh_danh, phan_loai, hieu_luc_tu)."
        )
    if len(table) - 1 > MAX_IMPORT_ROWS:
        raise fail(f"tệp có hơn {MAX_IMPORT_ROWS} dòng.")
    rows = []
    for index, cells in enumerate(table[1:], start=2):
        if all(_text(c) == "" for c in cells):
            continue
        record = {
            name: cells[i] if i < len(cells) else None
            for i, name in enumerate(header)
            if name
        }
        rows.append((index, record))
    return rows


def _field_of(cell: Any) -> str | None:
    name = fold(_text(cell)).replace("_", " ")
    for key, aliases in HEADERS.items():
        if name in aliases or name == key:
            return key
    return None


def _read_csv(data: bytes, fail: Any) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail("tệp CSV phải được lưu với bảng mã UTF-8.") from None
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass  # one-column or unusual files: the default comma dialect is right
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes, fail: Any) -> list[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > 20 * MAX_IMPORT_BYTES:
                raise fail("nội dung giải nén quá lớn.")
            if any(i.filename.endswith("vbaProject.bin") for i in archive.infolist()):
                raise fail("tệp chứa macro; hãy lưu lại dưới dạng .xlsx thường.")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise fail("tệp không phải là bảng tính .xlsx hợp lệ.") from err
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _parse_row(line: int, rec: dict[str, Any]) -> ImportRow:
    row = ImportRow(
        line=line,
        code=_text(rec.get("code")),
        name=_text(rec.get("name")),
        kind=_text(rec.get("kind")),
        parent=_text(rec.get("parent")) or None,
        official_id=_text(rec.get("official_id")),
        subtype=_text(rec.get("subtype")),
    )
    _collect(row, check_code, row.code)
    if not row.name:
        row.errors.append(Code.DV012.format())
    alias = KIND_ALIASES.get(fold(row.kind).replace("-", " ").replace("/", ", "))
    if alias is None:
        _collect(row, check_kind, row.kind)
    else:
        row.kind = alias[0].value
        row.subtype = row.subtype or alias[1]
    raw_date = rec.get("valid_from")
    if raw_date not in (None, ""):
        row.valid_from = _parse_date(raw_date)
        if row.valid_from is None:
            row.errors.append(Code.DV013.format(value=_text(raw_date)))
    return row


def _parse_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(_text(value), pattern)
        except ValueError:
            continue
    return None


def _collect(row: ImportRow, check: Any, value: str) -> None:
    try:
        check(value)
    except ServiceError as err:
        row.errors.append(err.message)


def _check_rows(rows: list[ImportRow], now: datetime) -> None:
    """Cross-row and against-database rules; fills ``errors`` and ``action``."""
    lines: dict[str, list[int]] = {}
    for row in rows:
        lines.setdefault(row.code, []).append(row.line)
    in_file = {row.code: row for row in rows}
    stored = {
        u.code: u
        for u in Unit.objects(
            code__in=[r.code for r in rows] + [r.parent for r in rows if r.parent]
        )
    }
    for row in rows:
        if len(lines[row.code]) > 1:
            row.errors.append(
                Code.DV017.format(
                    code=row.code, lines=", ".join(map(str, lines[row.code]))
                )
            )
        if not row.errors:
            _check_against_tree(row, in_file, stored, now)
        if row.errors:
            row.action = "error"


def _check_against_tree(
    row: ImportRow,
    in_file: dict[str, ImportRow],
    stored: dict[str, Unit],
    now: datetime,
) -> None:
    existing = stored.get(row.code)
    if existing is not None:
        if existing.kind != row.kind or (existing.parent or None) != row.parent:
            row.errors.append(
                Code.DV016.format(
                    code=row.code,
                    old=existing.kind,
                    old_parent=existing.parent or "—",
                    new=row.kind,
                    new_parent=row.parent or "—",
                )
            )
            return
        row.subtype = row.subtype or existing.subtype
        same = (existing.name, existing.official_id, existing.subtype) == (
            row.name,
            row.official_id,
            row.subtype,
        )
        row.action = "unchanged" if same else "update"
        return
    parent_kind = _parent_kind(row, in_file, stored, now)
    if parent_kind is False:
        return
    hint = placement_error(UnitKind(row.kind), parent_kind)
    if hint:
        row.errors.append(
            Code.DV007.format(
                kind=row.kind,
                parent=row.parent or "(không có)",
                parent_kind=parent_kind or "(không có)",
                hint=hint,
            )
        )


def _parent_kind(
    row: ImportRow,
    in_file: dict[str, ImportRow],
    stored: dict[str, Unit],
    now: datetime,
) -> str | bool | None:
    """The parent's kind, None for a root, or False after recording an error."""
    if row.parent is None:
        return None
    if row.parent in stored:
        parent = stored[row.parent]
        if not parent.is_active(now):
            row.errors.append(Code.DV005.format(parent=row.parent))
            return False
        return parent.kind
    if row.parent not in in_file:
        row.errors.append(Code.DV004.format(parent=row.parent))
        return False
    seen, cursor = {row.code}, row
    while cursor.parent is not None and cursor.parent in in_file:
        if cursor.parent in seen:
            row.errors.append(Code.DV006.format(code=row.code, parent=row.parent))
            return False
        seen.add(cursor.parent)
        cursor = in_file[cursor.parent]
        if cursor.parent in stored:
            break
    return in_file[row.parent].kind


def _store(rows: list[ImportRow], now: datetime) -> None:
    """Insert new rows parents first, then apply updates."""
    moment = utc_naive(now)
    paths = {
        u.code: u.path
        for u in Unit.objects(code__in=[r.parent for r in rows if r.parent])
    }
    pending = [r for r in rows if r.action == "create"]
    while pending:
        ready = [r for r in pending if r.parent is None or r.parent in paths]
        for row in ready:
            path = f"{paths[row.parent]}/{row.code}" if row.parent else row.code
            insert_unit(
                Unit(
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    subtype=row.subtype,
                    official_id=row.official_id,
                    parent=row.parent,
                    path=path,
                    valid_from=row.valid_from or moment,
                    created_at=moment,
                    updated_at=moment,
                )
            )
            paths[row.code] = path
        pending = [r for r in pending if r not in ready]
        if not ready:  # unreachable after _check_rows; guards against a loop
            break
    for row in rows:
        if row.action == "update":
            Unit.objects(code=row.code).update_one(
                set__name=row.name,
                set__official_id=row.official_id,
                set__subtype=row.subtype,
                set__updated_at=moment,
            )
    unit_snapshot.forget()  # updated in place: no save signal
