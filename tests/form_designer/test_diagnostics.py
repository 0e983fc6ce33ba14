"""One test per diagnostic code: code, sheet, cell and the formatted message.

Hostile inputs (issue #3 "Done when"): broken zip, zip bomb, .xlsm, external
links, A:A, cycles and a 10^6-cell sheet each give their diagnostic.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from baocao.form_designer import Code, FormCompileError, Limits, compile_workbook

TABLE = """
| STT | Chỉ tiêu | Kế hoạch | Thực hiện | Tỷ lệ |
| 1   | GRDP     | ?        | ?         | {f}   |
"""


def _errors(data: bytes, limits: Limits | None = None) -> list:
    with pytest.raises(FormCompileError) as caught:
        compile_workbook(data, limits)
    assert caught.value.http_status == 422
    return [d for d in caught.value.diagnostics if d.is_error]


def _one(data: bytes, code: Code, limits: Limits | None = None):
    errors = _errors(data, limits)
    assert [d.code for d in errors] == [code], [d.message for d in errors]
    return errors[0]


def _formula_sheet(make_xlsx, formula: str, **kwargs) -> bytes:
    return make_xlsx({"Biểu": TABLE.format(f=formula)}, protected=["Biểu"], **kwargs)


def test_fd001_not_a_zip() -> None:
    diagnostic = _one(b"PK\x03\x04 this is not really a zip", Code.FD001)
    assert diagnostic.message == Code.FD001.format()


def test_fd001_zip_without_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    _one(buffer.getvalue(), Code.FD001)


def test_fd002_encrypted_ole_file() -> None:
    data = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 500
        + "EncryptionInfo".encode("utf-16-le")
    )
    assert _one(data, Code.FD002).message == Code.FD002.format()


def test_fd009_legacy_xls() -> None:
    _one(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, Code.FD009)


def test_fd003_macro_enabled(make_xlsx, patch_part) -> None:
    data = _formula_sheet(make_xlsx, "=C2+D2")
    xlsm = patch_part(
        data, "", b"", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}
    )
    assert _one(xlsm, Code.FD003).message == Code.FD003.format()


def test_fd004_zip_bomb() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    diagnostic = _one(buffer.getvalue(), Code.FD004)
    assert diagnostic.message.startswith("Tệp nén bất thường (tỉ lệ nén")


def test_fd004_total_size_limit(make_xlsx) -> None:
    data = _formula_sheet(make_xlsx, "=C2+D2")
    _one(data, Code.FD004, Limits(max_uncompressed=1000))


def test_fd005_broken_sheet_xml(make_xlsx, patch_part) -> None:
    data = patch_part(
        _formula_sheet(make_xlsx, "=C2"),
        "xl/worksheets/sheet1.xml",
        b"<worksheet><oops",
    )
    assert _one(data, Code.FD005).message == Code.FD005.format()


def test_fd006_too_many_cells(make_xlsx) -> None:
    diagnostic = _one(
        _formula_sheet(make_xlsx, "=C2+D2"), Code.FD006, Limits(max_cells=5)
    )
    assert diagnostic.message == Code.FD006.format(value="10", limit="5")


def _sheet_xml(rows: list[bytes]) -> bytes:
    return (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + b"".join(rows) + b"</sheetData></worksheet>"
    )


def test_fd006_million_cell_sheet(make_xlsx, patch_part) -> None:
    """A 10^6-cell sheet is refused from a byte scan, before openpyxl loads it."""
    row = b"".join(b'<c r="%s%%d"><v>1</v></c>' % col.encode() for col in "ABCDEFGHIJ")
    rows = [
        b'<row r="%d">' % r + row.replace(b"%d", b"%d" % r) + b"</row>"
        for r in range(1, 100_001)
    ]
    data = patch_part(
        _formula_sheet(make_xlsx, "=C2"), "xl/worksheets/sheet1.xml", _sheet_xml(rows)
    )
    diagnostic = _one(data, Code.FD006)
    assert diagnostic.message == Code.FD006.format(value="1000000", limit="200000")


def test_fd007_padded_sheet_is_trimmed(make_xlsx, patch_part) -> None:
    """Style-only cells far beyond the content are dropped (warning, not error)."""
    data = _formula_sheet(make_xlsx, "=C2+D2")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    padding = b"".join(
        b'<row r="%d"><c r="Z%d" s="0"/></row>' % (r, r) for r in range(10, 60_000)
    )
    data = patch_part(
        data,
        "xl/worksheets/sheet1.xml",
        xml.replace(b"</sheetData>", padding + b"</sheetData>"),
    )
    compiled = compile_workbook(data)
    assert [w.code for w in compiled.warnings] == [Code.FD007]
    assert compiled.warnings[0].message == Code.FD007.format(
        sheet="Biểu", cell="A1:E2", value="60000 ô"
    )
    assert compiled.layout["sheets"][0]["columns"][-1]["letter"] == "E"


def test_fd008_and_fd012_external_links(make_xlsx, patch_part) -> None:
    data = _formula_sheet(make_xlsx, "=[1]Nguồn!A1+C2")
    data = patch_part(
        data, "", b"", extra={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}
    )
    errors = _errors(data)
    assert [d.code for d in errors] == [Code.FD008, Code.FD012]
    assert errors[0].message == Code.FD008.format(
        value="xl/externalLinks/externalLink1.xml"
    )
    assert (errors[1].sheet, errors[1].cell) == ("Biểu", "E2")


def test_fd010_unsupported_function(make_xlsx) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, "=WEBSERVICE(C2)"), Code.FD010)
    assert diagnostic.message == Code.FD010.format(
        sheet="Biểu", cell="E2", value="WEBSERVICE"
    )


@pytest.mark.parametrize("ref", ["A:A", "C:D", "1:1"], ids=["column", "columns", "row"])
def test_fd011_whole_column_or_row(make_xlsx, ref) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, f"=SUM({ref})"), Code.FD011)
    assert diagnostic.message == Code.FD011.format(sheet="Biểu", cell="E2", value=ref)


def test_fd012_external_workbook_reference(make_xlsx) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, "='[Nguon.xlsx]Data'!B2*2"), Code.FD012)
    assert (diagnostic.sheet, diagnostic.cell) == ("Biểu", "E2")


def test_fd013_cycle_names_every_cell(make_xlsx) -> None:
    sheet = """
    | STT | Chỉ tiêu | A      | B      | C      |
    | 1   | GRDP     | =D2+1  | =E2+1  | =C2+1  |
    | 2   | Khác     | ?      | =C3    | =D3    |
    """
    errors = _errors(make_xlsx({"Biểu": sheet, "Phụ": "| x |"}, protected=["Biểu"]))
    assert [d.code for d in errors] == [Code.FD013]
    chain = "Biểu!C2 → Biểu!D2 → Biểu!E2 → Biểu!C2"
    assert errors[0].message == Code.FD013.format(sheet="Biểu", cell="C2", value=chain)


def test_fd013_self_reference(make_xlsx) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, "=E2+C2"), Code.FD013)
    assert diagnostic.message == Code.FD013.format(
        sheet="Biểu", cell="E2", value="Biểu!E2 → Biểu!E2"
    )


def test_fd014_syntax_error(make_xlsx) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, "=SUM(C2,D2"), Code.FD014)
    assert diagnostic.message == Code.FD014.format(
        sheet="Biểu", cell="E2", value="=SUM(C2,D2"
    )


def test_fd015_unknown_sheet(make_xlsx) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, "='Không có'!A1"), Code.FD015)
    assert (diagnostic.sheet, diagnostic.cell) == ("Biểu", "E2")


def test_fd016_range_too_large(make_xlsx) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, "=SUM(A1:Z5000)"), Code.FD016)
    assert diagnostic.message == Code.FD016.format(
        sheet="Biểu", cell="E2", value="A1:Z5000"
    )


def test_fd018_bad_repeat_name(make_xlsx) -> None:
    data = _formula_sheet(
        make_xlsx, "=C2+D2", names={"LAP_du_an": "Biểu!$A$1,Biểu!$C$5"}
    )
    diagnostic = _one(data, Code.FD018)
    assert diagnostic.code is Code.FD018


def test_fd019_duplicate_indicator(make_xlsx) -> None:
    data = _formula_sheet(
        make_xlsx,
        "=C2+D2",
        comments={"Biểu!C2": "chỉ tiêu: GRDP01", "Biểu!D2": "Chỉ tiêu: GRDP01"},
    )
    diagnostic = _one(data, Code.FD019)
    assert diagnostic.message == Code.FD019.format(
        sheet="Biểu", cell="D2", value="GRDP01", other="Biểu!C2"
    )


def test_fd020_no_inputs(make_xlsx) -> None:
    data = make_xlsx({"Biểu": "| Tiêu đề |\n| =1+1 |"}, protected=["Biểu"])
    assert _one(data, Code.FD020).message == Code.FD020.format()


def test_fd021_unresolved_validation_list(make_xlsx) -> None:
    data = _formula_sheet(
        make_xlsx, "=C2+D2", validations={"Biểu": [("C2", "DanhMucKhongCo")]}
    )
    diagnostic = _one(data, Code.FD021)
    assert diagnostic.message == Code.FD021.format(
        sheet="Biểu", cell="C2", value="DanhMucKhongCo"
    )


def test_fd023_unknown_defined_name(make_xlsx) -> None:
    diagnostic = _one(_formula_sheet(make_xlsx, "=SUM(TongThu)"), Code.FD023)
    assert diagnostic.message == Code.FD023.format(
        sheet="Biểu", cell="E2", value="TongThu"
    )


def test_every_error_is_collected(make_xlsx) -> None:
    """Diagnostics are all reported, not only the first (issue #3 must-have 2)."""
    sheet = """
    | STT | Chỉ tiêu | A        | B         | C          |
    | 1   | GRDP     | ?        | =SUM(A:A) | =FOO(C2)   |
    | 2   | Khác     | =D3      | =C3       | =[1]S!A1   |
    """
    errors = _errors(make_xlsx({"Biểu": sheet}, protected=["Biểu"]))
    assert sorted(d.code.name for d in errors) == ["FD010", "FD011", "FD012", "FD013"]


def test_fd017_array_formula(make_xlsx, patch_part) -> None:
    data = _formula_sheet(make_xlsx, "=C2+D2")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    array = b'<f t="array" ref="E2">C2:C2*D2:D2</f>'
    assert b"<f>C2+D2</f>" in xml
    data = patch_part(
        data, "xl/worksheets/sheet1.xml", xml.replace(b"<f>C2+D2</f>", array)
    )
    diagnostic = _one(data, Code.FD017)
    assert diagnostic.message == Code.FD017.format(sheet="Biểu", cell="E2")


def test_fd022_dropped_extension_is_a_warning(make_xlsx, patch_part) -> None:
    """openpyxl's warning about an unsupported extension becomes FD022, in Vietnamese."""
    data = _formula_sheet(make_xlsx, "=C2+D2")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    ext = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<x14:dataValidations count="0"/></ext></extLst></worksheet>'
    )
    data = patch_part(
        data, "xl/worksheets/sheet1.xml", xml.replace(b"</worksheet>", ext)
    )
    compiled = compile_workbook(data)
    assert [w.code for w in compiled.warnings] == [Code.FD022]
    assert compiled.warnings[0].message == Code.FD022.format(
        value="phần mở rộng của kiểm tra dữ liệu"
    )


def test_fd007_huge_merge_is_clipped(make_xlsx, patch_part) -> None:
    """A merge over a whole sheet is clipped before openpyxl expands it cell by cell."""
    data = _formula_sheet(make_xlsx, "=C2+D2")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    merges = b'<mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>'
    xml = xml.replace(b"<pageMargins", merges + b"<pageMargins")
    compiled = compile_workbook(patch_part(data, "xl/worksheets/sheet1.xml", xml))
    assert compiled.warnings[0].message == Code.FD007.format(
        sheet="Biểu", cell="A1:E2", value="vùng gộp ô A3:XFD1048576"
    )
    assert compiled.layout["sheets"][0]["merges"] == []


def test_fd006_million_unlocked_cells(make_xlsx, patch_part) -> None:
    """Unlocked empty cells are inputs: a million of them exceed the limit."""
    data = _formula_sheet(make_xlsx, "=C2+D2")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    style = xml.split(b'<c r="C2" s="', 1)[1].split(b'"', 1)[0]
    rows = b"".join(
        b'<row r="%d"><c r="C%d" s="%s"/></row>' % (r, r, style)
        for r in range(3, 300_003)
    )
    xml = xml.replace(b"</sheetData>", rows + b"</sheetData>")
    diagnostic = _one(patch_part(data, "xl/worksheets/sheet1.xml", xml), Code.FD006)
    assert diagnostic.message == Code.FD006.format(value="300010", limit="200000")
