"""Compile benchmark (DESIGN.md §10: compile a 5k-cell template ≥ 5x faster than
``formulas`` ExcelModel load+finish), both measured in the same run.

    python benchmarks/bench_compile.py [--cells 5000] [--repeat 5]

Prints the cell counts, our median compile time, the ExcelModel time (one run:
it takes tens of seconds) and the speed-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baocao.form_designer import compile_workbook
from gen_template import make_template

GOAL = 5.0


def _ours(data: bytes, repeat: int) -> tuple[float, dict[str, int]]:
    compiled = compile_workbook(data)  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        compiled = compile_workbook(data)
        times.append(time.perf_counter() - start)
    counts = {
        "inputs": len(compiled.formulas["inputs"]),
        "formulas": len(compiled.formulas["cells"]),
        "layout cells": sum(len(s["cells"]) for s in compiled.layout["sheets"]),
    }
    return statistics.median(times), counts


def _peer(path: Path) -> float:
    import formulas  # noqa: PLC0415 - heavy, only for the comparison

    start = time.perf_counter()
    formulas.ExcelModel().loads(str(path)).finish()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description="compile vs formulas.ExcelModel")
    parser.add_argument("--cells", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data, _ = make_template(args.cells)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        path.write_bytes(data)
        ours, counts = _ours(data, args.repeat)
        peer = _peer(path)
    ratio = peer / ours
    print(f"template: {counts}")
    print(f"baocao compile_workbook (median of {args.repeat}): {ours * 1000:.0f} ms")
    print(f"formulas ExcelModel().loads().finish(): {peer * 1000:.0f} ms")
    verdict = "meets" if ratio >= GOAL else "MISSES"
    print(f"speed-up: {ratio:.1f}x ({verdict} the ≥ {GOAL:.0f}x goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
