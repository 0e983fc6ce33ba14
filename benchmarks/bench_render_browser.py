"""Browser benchmarks of the data-entry grid (DESIGN.md §10), printed as numbers.

A 2,000-input page (see ``bench_render.build``) in real Chromium, served with a
recalculation endpoint on 127.0.0.1 (it computes the changed rows' ratios):

- usable: navigation start → grid script initialised and the page laid out
  (goal ≤ 1.5 s);
- keystroke → dependent computed cell updated on screen (next animation
  frame after the value is applied), through the endpoint and with the
  calculation done in the page (goal ≤ 50 ms p95).

The endpoint runs in a child process so that it does not share the GIL with
the Playwright driver.

Run: ``python benchmarks/bench_render_browser.py`` (needs /usr/bin/chromium or
``BAOCAO_CHROMIUM``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from baocao.renderers import FONTS_DIR, STATIC_DIR, render_entry_form
from bench_render import SHEET, build
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("BAOCAO_CHROMIUM", "/usr/bin/chromium")
KEYSTROKES = 60

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<link rel="stylesheet" href="static/baocao-grid.css"></head><body>{fragment}
<script src="static/baocao-grid.js"></script>
<script>
document.addEventListener("DOMContentLoaded", function () {{
  document.body.offsetHeight;  // force layout
  performance.mark("grid-ready");
}});
window.__lat = [];
document.addEventListener("keydown", function () {{
  window.__t0 = performance.now();
}}, true);
document.addEventListener("baocao:recalc", function () {{
  requestAnimationFrame(function () {{
    window.__lat.push(performance.now() - window.__t0);
  }});
}});
</script></body></html>"""


def recalc(state: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    """E = D / C * 100 for each changed row (what the form's formulas say)."""
    state.update(changed)
    out = {}
    for key in changed:
        row = key.rsplit("!", 1)[1][1:]
        plan, actual = state.get(f"{SHEET}!C{row}"), state.get(f"{SHEET}!D{row}")
        ok = isinstance(plan, int | float) and isinstance(actual, int | float) and plan
        out[f"{SHEET}!E{row}"] = round(actual / plan * 100, 2) if ok else ""
    return out


def serve(root: Path, state: dict[str, Any], port: Any) -> None:
    """Serve in this (child) process: the browser driver must not share its GIL."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            payload = json.dumps({"computed": recalc(state, body["changed"])}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = server.server_address[1]
    server.serve_forever()


def main() -> None:
    """Print the page-usable time and the keystroke latency percentiles."""
    schema, layout, data, computed = build(1000)
    fragment = render_entry_form((schema, layout), data, computed, recalc_url="/recalc")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(STATIC_DIR, root / "static")
        shutil.copytree(FONTS_DIR, root / "fonts")
        (root / "index.html").write_text(
            PAGE.format(fragment=fragment), encoding="utf-8"
        )
        port = multiprocessing.Value("i", 0)
        server = multiprocessing.Process(
            target=serve, args=(root, dict(data), port), daemon=True
        )
        server.start()
        while not port.value:
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port.value}/index.html"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            loads = []
            for _ in range(5):
                page.goto(url)
                page.wait_for_function(
                    "performance.getEntriesByName('grid-ready').length"
                )
                loads.append(
                    page.evaluate(
                        "performance.getEntriesByName('grid-ready')[0].startTime"
                    )
                )
            server_side = keystrokes(page)
            page.evaluate(IN_BROWSER)
            in_browser = keystrokes(page)
            browser.close()
        server.terminate()
    usable = statistics.median(loads)
    print(f"page usable (2000 inputs, median of 5 loads): {usable:7.1f} ms")
    report("keystroke → computed cell, server endpoint", server_side)
    report("keystroke → computed cell, in-browser calc", in_browser)


IN_BROWSER = """() => {
  window.__lat = [];
  const grid = BaocaoGrid.get(document.querySelector('[data-baocao-form]'));
  grid.setCalculator(function (changed) {
    const out = {};
    const value = (key) => grid.readValue(grid.control(key));
    Object.keys(changed).forEach(function (key) {
      const row = key.split('!')[1].slice(1);
      const sheet = key.split('!')[0];
      const plan = value(sheet + '!C' + row), actual = value(sheet + '!D' + row);
      out[sheet + '!E' + row] = plan ? Math.round(actual / plan * 10000) / 100 : '';
    });
    return {computed: out};
  });
}"""


def keystrokes(page: Any) -> list[float]:
    """Type one digit into KEYSTROKES inputs; latencies measured in the page."""
    for i in range(KEYSTROKES):
        row = 5 + (i * 37) % 1000
        page.locator(f'[data-key="{SHEET}!D{row}"]').focus()
        page.keyboard.press(str(i % 9 + 1))
        page.wait_for_function(f"window.__lat.length === {i + 1}")
    return sorted(page.evaluate("window.__lat"))


def report(label: str, latencies: list[float]) -> None:
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    median = statistics.median(latencies)
    print(
        f"{label} ({len(latencies)} keys): median {median:5.1f} ms"
        f"  p95 {p95:5.1f} ms  max {latencies[-1]:5.1f} ms"
    )


if __name__ == "__main__":
    main()
