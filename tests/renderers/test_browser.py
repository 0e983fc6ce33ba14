"""The data-entry grid in real Chromium (issue #4 items 2 and 10).

A static page holds the renderer's output, the grid script and stylesheet and
the shipped fonts; a tiny threaded http.server on 127.0.0.1 serves it and
answers the recalculation endpoint (E/D*100 per row and the column totals, as
the form's formulas say). Screenshots go to pytest's tmp dir for a human look.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from baocao.form_designer import compile_workbook
from baocao.renderers import FONTS_DIR, STATIC_DIR, render_entry_form
from baocao.schemas import Calculator
from playwright.sync_api import sync_playwright
from support import SHARED, launch_chromium, require

SHEET = "Biểu 01"
INFO = "Thông tin"
ROWS = 4
pytestmark = pytest.mark.browser


def fake_recalc(
    state: dict[str, Any], changed: dict[str, Any], rows: int = ROWS
) -> dict[str, Any]:
    """The form's formulas: F = ROUND(E/D*100, 2) (IFERROR → ""), D and E totals."""
    state.update(changed)
    result: dict[str, Any] = {}
    totals = {"D": 0.0, "E": 0.0}
    for r in range(10, 10 + rows):
        d, e = state.get(f"{SHEET}!D{r}"), state.get(f"{SHEET}!E{r}")
        for col, value in (("D", d), ("E", e)):
            totals[col] += value if isinstance(value, int | float) else 0
        ok = isinstance(d, int | float) and isinstance(e, int | float) and d != 0
        result[f"{SHEET}!F{r}"] = round(e / d * 100, 2) if ok else ""
    result[f"{SHEET}!D{10 + rows}"] = totals["D"]
    result[f"{SHEET}!E{10 + rows}"] = totals["E"]
    return result


def page_html(fragment: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<title>Nhập liệu</title><link rel="stylesheet" href="static/baocao-grid.css">'
        '</head><body style="margin:16px;background:#fafafa">'
        f'{fragment}<script src="static/baocao-grid.js"></script>'
        "<script>window.__changes=[];document.addEventListener('baocao:change',"
        "function(e){window.__changes.push(e.detail)});</script></body></html>"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sample: Any) -> Iterator[str]:
    """Serve the page, static files, fonts and POST /recalc on a loopback port."""
    schema, layout = sample.build_form(ROWS)
    data, computed = sample.sample_values(ROWS)
    del data[f"{SHEET}!D11"], data[f"{SHEET}!E11"]
    computed[f"{SHEET}!F11"] = ""
    fragment = render_entry_form(
        (schema, layout),
        data,
        computed,
        recalc_url="/recalc",
        errors={f"{SHEET}!E12": "Số thực hiện vượt kế hoạch quá 50%."},
    )
    root = new_site(tmp_path_factory, fragment)
    state = dict(data)
    with serve(root, lambda changed: fake_recalc(state, changed)) as base:
        yield f"{base}/index.html"


@contextlib.contextmanager
def serve(
    root: Path, recalc: Callable[[dict[str, Any]], dict[str, Any]]
) -> Iterator[str]:
    """Static files from ``root``; POST /recalc → ``{"computed": recalc(changed)}``."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            payload = json.dumps({"computed": recalc(body["changed"])}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            """A page closed mid-request (the leave-warning test) is not an error."""

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def new_site(tmp_path_factory: pytest.TempPathFactory, fragment: str) -> Path:
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(STATIC_DIR, root / "static")
    shutil.copytree(FONTS_DIR, root / "fonts")
    (root / "index.html").write_text(page_html(fragment), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1100, "height": 800}, locale="vi-VN"
    )
    page = context.new_page()
    page.goto(site)
    page.wait_for_function("window.BaocaoGrid !== undefined")
    yield page
    context.close()


def cell(page: Any, key: str) -> Any:
    return page.locator(f'[data-key="{key}"]')


def wait_for_text(page: Any, key: str, text: str) -> None:
    page.wait_for_function(
        '([key, text]) => document.querySelector(`td.bc-c[data-key="${key}"] .bc-v`)'
        ".textContent === text",
        arg=[key, text],
    )


def computed_text(page: Any, key: str) -> str:
    return page.locator(f'td.bc-c[data-key="{key}"] .bc-v').inner_text()


def test_typing_recalculates_and_reports_the_change(page: Any, tmp_path: Path) -> None:
    """Typing 1.000,5 in D11 and 500 in E11 updates F11 and the totals."""
    cell(page, f"{SHEET}!D11").fill("1.000,5")
    cell(page, f"{SHEET}!E11").click()
    page.keyboard.type("500")
    wait_for_text(page, f"{SHEET}!F11", "49,98")
    total = 1234567.891 + 1000.5 + 1234567.891 * 3 + 1234567.891 * 4
    expected_total = (
        f"{total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    )
    assert computed_text(page, f"{SHEET}!D14") == expected_total
    changes = page.evaluate("window.__changes")
    assert changes[0]["changed"] == {f"{SHEET}!D11": 1000.5}
    assert changes[-1]["changed"] == {f"{SHEET}!E11": 500}
    assert page.locator("#bc-form").get_attribute("data-dirty") == "true"
    page.locator("body").click(position={"x": 5, "y": 5})
    assert cell(page, f"{SHEET}!D11").input_value() == "1.000,50"
    page.screenshot(path=str(tmp_path / "typing.png"), full_page=True)


def test_keyboard_moves_like_a_spreadsheet(page: Any) -> None:
    """Tab goes right, Enter down, arrows move when the whole cell is selected."""

    def focused() -> str:
        return page.evaluate("document.activeElement.getAttribute('data-key')")

    cell(page, f"{SHEET}!D10").focus()
    page.keyboard.press("Tab")
    assert focused() == f"{SHEET}!E10"
    page.keyboard.press("Enter")
    assert focused() == f"{SHEET}!E11"
    page.keyboard.press("ArrowLeft")
    assert focused() == f"{SHEET}!D11"
    page.keyboard.press("ArrowDown")
    assert focused() == f"{SHEET}!D12"
    page.keyboard.press("ArrowUp")
    assert focused() == f"{SHEET}!D11"
    page.keyboard.press("Shift+Tab")
    assert focused() == f"{SHEET}!E10"
    page.keyboard.press("Shift+Enter")
    assert focused() == f"{SHEET}!E10"  # nothing above the first row: stay


def test_paste_of_a_block_copied_from_excel(page: Any, tmp_path: Path) -> None:
    """A 3x2 tab-separated block fills D10:E12 from the focused cell, recalculates."""
    target = cell(page, f"{SHEET}!D10")
    target.focus()
    block = "2.000\t1.000\r\n4.000,5\t2.000,25\r\n300\t600\r\n"
    target.evaluate(
        "(el, text) => { const data = new DataTransfer();"
        " data.setData('text/plain', text);"
        " el.dispatchEvent(new ClipboardEvent('paste',"
        " {clipboardData: data, bubbles: true, cancelable: true})); }",
        block,
    )
    values = [
        cell(page, f"{SHEET}!{c}{r}").input_value() for r in (10, 11, 12) for c in "DE"
    ]
    assert values == [
        "2.000,00",
        "1.000,00",
        "4.000,50",
        "2.000,25",
        "300,00",
        "600,00",
    ]
    wait_for_text(page, f"{SHEET}!F12", "200,00")
    assert computed_text(page, f"{SHEET}!F10") == "50,00"
    assert computed_text(page, f"{SHEET}!F11") == "50,00"
    changes = page.evaluate("window.__changes")
    assert len(changes) == 1 and len(changes[0]["changed"]) == 6
    page.screenshot(path=str(tmp_path / "paste.png"), full_page=True)


def test_errors_are_shown_at_the_cell_in_vietnamese(page: Any, tmp_path: Path) -> None:
    """Server errors render at the cell and in the summary; bad input at once."""
    server_error = page.locator(f'td:has([data-key="{SHEET}!E12"]) .bc-err')
    assert server_error.inner_text() == "Số thực hiện vượt kế hoạch quá 50%."
    assert "Biểu mẫu còn 1 lỗi cần sửa" in page.locator(".bc-summary").inner_text()
    holder = page.locator(f'td:has([data-key="{SHEET}!D13"])')
    before = holder.bounding_box()
    cell(page, f"{SHEET}!D13").fill("abc")
    error = page.locator(f'td:has([data-key="{SHEET}!D13"]) .bc-err')
    assert error.inner_text() == "Giá trị phải là số (ví dụ 1.234,5)."
    # The message floats under the cell, visible, and the cell keeps its size.
    assert error.is_visible() and holder.bounding_box() == before
    shown = error.bounding_box()
    assert shown["y"] >= before["y"] + before["height"] - 1
    assert cell(page, f"{SHEET}!D13").get_attribute("aria-invalid") == "true"
    cell(page, f"{SHEET}!D13").fill("-5")
    assert error.inner_text() == "Giá trị phải lớn hơn hoặc bằng 0."
    page.screenshot(path=str(tmp_path / "errors.png"), full_page=True)
    cell(page, f"{SHEET}!D13").fill("5")
    assert error.count() == 0


def test_tabs_repeat_rows_and_leave_warning(page: Any, tmp_path: Path) -> None:
    """Second sheet as a tab; add and remove project rows; warn before leaving."""
    page.locator(".bc-tab", has_text=INFO).click()
    assert page.locator(f'section[data-sheet="{INFO}"]').is_visible()
    assert not page.locator(f'section[data-sheet="{SHEET}"]').is_visible()
    assert page.locator("select[data-key='Thông tin!B3']").input_value() == "Chuyên đề"
    page.locator(".bc-add").click()
    assert page.locator("tr.bc-rep").count() == 4
    page.keyboard.type("Kè sông Tiền")
    assert (
        page.evaluate("document.activeElement.getAttribute('data-key')") == "du_an[3].A"
    )
    page.locator("tr.bc-rep").nth(0).locator(".bc-del").click()
    data = page.evaluate("BaocaoGrid.get(document.getElementById('bc-form')).collect()")
    assert [item["A"] for item in data["du_an"]] == [
        "Cầu Cao Lãnh",
        "Trường Mỹ Thọ",
        "Kè sông Tiền",
    ]
    assert data["du_an"][0]["B"] == 2500
    page.screenshot(path=str(tmp_path / "tabs.png"), full_page=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


@pytest.fixture(scope="module")
def template_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """bieu01_ktxh compiled, blank, recalculated by the real Calculator."""
    path = SHARED / "templates" / "bieu01_ktxh.xlsx"
    require(path.exists(), f"template {path}")
    form = compile_workbook(path.read_bytes())
    calculator = Calculator(form)
    computed = calculator.calculate({})
    fragment = render_entry_form(form, {}, computed, recalc_url="/recalc")
    with serve(new_site(tmp_path_factory, fragment), calculator.update) as base:
        yield f"{base}/index.html"


def test_real_template_recalculates_with_the_calculator(
    browser: Any, template_site: str, tmp_path: Path
) -> None:
    """Typing in the compiled bieu01_ktxh updates its IFERROR ratio cells."""
    context = browser.new_context(viewport={"width": 1200, "height": 700})
    page = context.new_page()
    page.goto(template_site)
    sheet = "Biểu 01-KTXH"
    page.locator(f'[data-key="{sheet}!D9"]').fill("200")
    page.locator(f'[data-key="{sheet}!F9"]').fill("50,5")
    wait_for_text(page, f"{sheet}!H9", "25,25")
    page.keyboard.press("Enter")
    page.keyboard.type("1.234,5")
    assert page.evaluate("document.activeElement.getAttribute('data-key')") == (
        f"{sheet}!F10"
    )
    page.wait_for_timeout(200)
    page.screenshot(path=str(tmp_path / "bieu01.png"))
    context.close()


LONG = 150


@pytest.fixture(scope="module")
def long_site(tmp_path_factory: pytest.TempPathFactory, sample: Any) -> Iterator[str]:
    """150 indicator rows: the sheet is drawn as a sticky header and three chunks."""
    schema, layout = sample.build_form(LONG)
    fragment = render_entry_form((schema, layout), {}, {}, recalc_url="/recalc")
    state: dict[str, Any] = {}
    root = new_site(tmp_path_factory, fragment)
    with serve(root, lambda changed: fake_recalc(state, changed, LONG)) as base:
        yield f"{base}/index.html"


def test_long_sheet_moves_and_pastes_across_chunks(
    browser: Any, long_site: str, tmp_path: Path
) -> None:
    """Enter and paste cross the cut between two tables; the header stays on top."""
    context = browser.new_context(viewport={"width": 1100, "height": 700})
    page = context.new_page()
    page.goto(long_site)
    page.wait_for_function("window.BaocaoGrid !== undefined")
    assert page.locator(".bc-chunk").count() == 3
    head = page.locator(".bc-head")
    scroller = page.locator(".bc-scroll").first
    assert head.bounding_box()["y"] > scroller.bounding_box()["y"] + 100  # below titles
    last_of_first = 10 + 60 - 2  # rows 9..68 are the first chunk
    cell(page, f"{SHEET}!E{last_of_first}").focus()
    page.keyboard.press("Enter")
    focused = "document.activeElement.getAttribute('data-key')"
    assert page.evaluate(focused) == f"{SHEET}!E{last_of_first + 1}"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == f"{SHEET}!D{last_of_first}"
    target = cell(page, f"{SHEET}!D{last_of_first}")
    target.evaluate(
        "(el, text) => { const data = new DataTransfer();"
        " data.setData('text/plain', text);"
        " el.dispatchEvent(new ClipboardEvent('paste',"
        " {clipboardData: data, bubbles: true, cancelable: true})); }",
        "100\t25\n200\t50\n",
    )
    assert cell(page, f"{SHEET}!E{last_of_first + 1}").input_value() == "50,00"
    wait_for_text(page, f"{SHEET}!F{last_of_first + 1}", "25,00")
    scroller.evaluate("box => { box.scrollTop = 2500; }")
    page.wait_for_timeout(100)
    assert abs(head.bounding_box()["y"] - scroller.bounding_box()["y"]) < 2  # stuck
    page.screenshot(path=str(tmp_path / "long.png"))
    context.close()
