"""Checks on the raw upload, done before openpyxl parses a single XML byte.

An .xlsx file is a zip of XML parts. Everything that can make reading it slow
or dangerous is decided here from the zip directory and a byte-level scan of
the sheet parts: not a zip at all, an encrypted (OLE/CFB) or legacy .xls file,
macros, a zip bomb (declared sizes and ratios), more content cells than the
limit, and sheets padded with millions of empty styled cells, which are trimmed
the way openpyxl's ``reset_dimensions`` would before they are loaded.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from baocao.form_designer.errors import Code, Diagnostic, FormCompileError, Severity
from baocao.form_designer.limits import Limits
from defusedxml import ElementTree

_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_RATIO_MIN_SIZE = 1024 * 1024
#: Style-only cells: ``<c r="A1" s="3"/>`` or ``<c r="A1" s="3"></c>``.
_EMPTY_CELL_NS = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>\s*</(?:\w+:)?c>)")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[^"]*"\s*/>')


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """The bytes openpyxl may read, with the warnings found on the way."""

    data: bytes
    diagnostics: tuple[Diagnostic, ...]


def _fail(code: Code, **fields: str) -> FormCompileError:
    return FormCompileError([Diagnostic.make(code, **fields)])


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if data[:8] == _OLE_SIGNATURE:
        raise _fail(Code.FD002 if _ENCRYPTION_STREAM in data else Code.FD009)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as err:
        raise _fail(Code.FD001) from err


def _check_sizes(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _fail(Code.FD004, value=f"{len(infos)} phần trong tệp nén")
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed:
        raise _fail(Code.FD004, value=f"{total // (1024 * 1024)} MiB sau giải nén")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_MIN_SIZE and ratio > limits.max_ratio:
            raise _fail(Code.FD004, value=f"tỉ lệ nén {ratio:.0f}:1 ở {info.filename}")


def _check_parts(archive: zipfile.ZipFile) -> list[Diagnostic]:
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _fail(Code.FD001)
    try:
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except (ElementTree.ParseError, zipfile.BadZipFile) as err:
        raise _fail(Code.FD005) from err
    content_types = " ".join(el.get("ContentType", "") for el in types.iter())
    if any(n.lower().endswith("vbaproject.bin") for n in names) or (
        "macroEnabled" in content_types
    ):
        raise _fail(Code.FD003)
    links = sorted(
        n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")
    )
    if links:
        return [Diagnostic.make(Code.FD008, value=", ".join(links))]
    return []


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _unlocked_styles(archive: zipfile.ZipFile) -> tuple[bytes, ...]:
    """Indexes (as bytes) of the cell formats that unlock a cell.

    On a protected sheet an unlocked empty cell is an input: it carries no
    value but must count as content, or trimming would drop it.
    """
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return ()
    except (ElementTree.ParseError, zipfile.BadZipFile) as err:
        raise _fail(Code.FD005) from err
    formats = next((el for el in styles.iter() if el.tag.endswith("cellXfs")), None)
    unlocked = [
        str(index).encode()
        for index, xf in enumerate(list(formats) if formats is not None else [])
        if any(
            child.tag.endswith("protection") and child.get("locked") in ("0", "false")
            for child in xf
        )
    ]
    return tuple(unlocked)


def _unlocked_refs(
    xml: bytes, unlocked: tuple[bytes, ...]
) -> list[tuple[bytes, bytes]]:
    """(column, row) of the style-only cells with an unlocked format."""
    if not unlocked:
        return []
    ids = b"|".join(unlocked)
    pattern = (
        rb'<c r="([A-Z]{1,3})(\d{1,7})" s="(?:'
        + ids
        + rb')"(?: t="\w+")?\s*(?:/>|></c>)'
    )
    return re.findall(pattern, xml)


def _count_cells(xml: bytes) -> tuple[int, int]:
    """(stored cells, content cells), counted at C speed with ``bytes.count``.

    A content cell has a value (``<v>``), an inline string (``<is>``) or a
    formula (``<f>``, normally followed by its cached ``<v>``). Sheets that
    prefix their elements (``<x:c>``) are rare and go through a regex.
    """
    if b":c " in xml:
        stored = len(re.findall(rb"<(?:\w+:)?c\s", xml))
        return stored, stored - len(_EMPTY_CELL_NS.findall(xml))
    values = xml.count(b"<v>") + xml.count(b"<v/>") + xml.count(b"<v ")
    formulas = xml.count(b"<f>") + xml.count(b"<f ") + xml.count(b"<f/>")
    content = values + xml.count(b"<is>") + max(0, formulas - values)
    return xml.count(b"<c "), content


_CONTENT_MARK = re.compile(rb"<(?:\w+:)?(?:v[\s>/]|is>|f[\s>/])")


def _content_bounds(xml: bytes, inputs: list[tuple[bytes, bytes]]) -> tuple[int, int]:
    """Bottom-right (row, column) of the cells that hold content or are inputs.

    Only called for padded sheets, whose content cells are few: each value
    mark is traced back to the ``<c`` element it belongs to.
    """
    max_row = max((int(row) for _, row in inputs), default=1)
    max_col = max((_column_number(col) for col in {c for c, _ in inputs}), default=1)
    for mark in _CONTENT_MARK.finditer(xml):
        start = max(
            xml.rfind(b"<c ", 0, mark.start()), xml.rfind(b":c ", 0, mark.start())
        )
        ref = _REF.search(xml, start, mark.start()) if start >= 0 else None
        if ref:
            max_row = max(max_row, int(ref.group(2)))
            max_col = max(max_col, _column_number(ref.group(1)))
    return max_row, max_col


_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"\s*/>'
)


def _huge_merges(xml: bytes, limit: int) -> list[str]:
    """Merged ranges covering more than ``limit`` cells (openpyxl expands each
    merge into one object per covered cell, so ``A1:XFD1048576`` would hang)."""
    found = []
    for match in _MERGE.finditer(xml):
        c1, r1 = _column_number(match.group(1)), int(match.group(2))
        c2, r2 = _column_number(match.group(3)), int(match.group(4))
        if (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1) > limit:
            found.append(match.group(0).decode().split('"')[1])
    return found


def _clip_merges(xml: bytes, max_row: int, max_col: int) -> bytes:
    """Clip every merge to the content's bounds; drop those starting outside."""

    def clip(match: re.Match[bytes]) -> bytes:
        c1, r1 = _column_number(match.group(1)), int(match.group(2))
        c2, r2 = _column_number(match.group(3)), int(match.group(4))
        if c1 > max_col or r1 > max_row:
            return b""
        ref = f"{_letters(c1)}{r1}:{_letters(min(c2, max_col))}{min(r2, max_row)}"
        return f'<mergeCell ref="{ref}"/>'.encode()

    return _MERGE.sub(clip, xml)


_ROW_START = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d+)"')
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")


def _trim(xml: bytes, max_row: int, max_col: int) -> bytes:
    """Drop style-only cells and rows outside the content's bounds.

    Rows after ``max_row`` hold no content by construction, so they are cut
    in one slice; only the rows before it are scanned cell by cell.
    """
    cut = None
    for match in _ROW_START.finditer(xml):
        if int(match.group(1)) > max_row:
            cut = match.start()
            break
    if cut is not None:
        end = _SHEET_DATA_END.search(xml, cut)
        xml = xml[:cut] + (xml[end.start() :] if end else b"")

    def cell(match: re.Match[bytes]) -> bytes:
        ref = _REF.search(match.group(1))
        if ref and (
            int(ref.group(2)) > max_row or _column_number(ref.group(1)) > max_col
        ):
            return b""
        return match.group(0)

    xml = _EMPTY_CELL_NS.sub(cell, xml)
    letters = _letters(max(max_col, 1))
    return _DIMENSION.sub(
        f'<dimension ref="A1:{letters}{max(max_row, 1)}"/>'.encode(), xml, 1
    )


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map each worksheet part (``xl/worksheets/sheet1.xml``) to its sheet title."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as err:
        raise _fail(Code.FD005) from err
    targets = {}
    for rel in rels.iter():
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id", "")] = target
    titles = {}
    for sheet in book.iter():
        if sheet.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        titles[targets.get(rid, "")] = sheet.get("name", "")
    return titles


def _scan_sheets(
    archive: zipfile.ZipFile, limits: Limits
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Count content cells everywhere; trim padded sheets. Raises on too many."""
    replaced: dict[str, bytes] = {}
    warnings: list[Diagnostic] = []
    total = 0
    titles = _sheet_titles(archive)
    unlocked = _unlocked_styles(archive)
    for name in sorted(archive.namelist()):
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        try:
            xml = archive.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
            raise _fail(Code.FD005) from err
        stored, count = _count_cells(xml)
        inputs = _unlocked_refs(xml, unlocked)
        count += len(inputs)
        stored = max(stored, xml.count(b"<row "))  # empty rows with heights, too
        total += count
        padded = stored > max(limits.trim_min_cells, limits.trim_factor * count)
        huge = _huge_merges(xml, limits.max_cells)
        if total <= limits.max_cells and (padded or huge):
            max_row, max_col = _content_bounds(xml, inputs)
            replaced[name] = _clip_merges(
                _trim(xml, max_row, max_col), max_row, max_col
            )
            described = f"{stored} ô" if padded else "vùng gộp ô " + ", ".join(huge[:3])
            bounds = f"A1:{_letters(max(max_col, 1))}{max(max_row, 1)}"
            warnings.append(
                Diagnostic.make(
                    Code.FD007,
                    sheet=titles.get(name, name),
                    cell=bounds,
                    value=described,
                    severity=Severity.WARNING,
                )
            )
    if total > limits.max_cells:
        raise _fail(Code.FD006, value=str(total), limit=str(limits.max_cells))
    return replaced, warnings


def _rebuild(archive: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            data = replaced.get(info.filename)
            target.writestr(
                info.filename, data if data is not None else archive.read(info)
            )
    return out.getvalue()


def check_upload(data: bytes, limits: Limits) -> CheckedUpload:
    """Refuse dangerous or unreadable uploads; trim padded sheets.

    :param data: the uploaded bytes.
    :param limits: size limits to enforce.
    :raises FormCompileError: FD001-FD006 for a file that must not be read.
    """
    archive = _open_zip(data)
    with archive:
        _check_sizes(archive, limits)
        diagnostics = _check_parts(archive)
        replaced, warnings = _scan_sheets(archive, limits)
        if replaced:
            data = _rebuild(archive, replaced)
    return CheckedUpload(data, tuple(diagnostics + warnings))
