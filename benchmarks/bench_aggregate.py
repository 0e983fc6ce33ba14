"""Benchmark: aggregate 1,000 submissions x 500 inputs and recompute (goal ≤ 1 s).

DESIGN.md §10. A synthetic report sheet (100 rows x 5 numeric inputs, per-row
total and ratio formulas, column totals and overall ratios: 500 inputs, 208
formulas) is filled by 1,000 units with random values (5 % blanks). Measured, in
the same run:

- ``baocao``: ``aggregate()`` with a Calculator built once per form version
  (what the platform caches), the cold call including the Calculator build, and a
  drill-down of one ratio cell (1,000 units' own ratios);
- the naive peer: combine the inputs with a plain per-cell Python loop (every
  cell reads every submission, the way a first implementation would) and
  recalculate the one summed workbook with openpyxl + ``formulas.ExcelModel``
  (write .xlsx, load, calculate), the library the engine parses with.

Run: ``python benchmarks/bench_aggregate.py [--units 1000] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import formulas
import openpyxl
from baocao.schemas import Calculator, CompiledForm, UnitData, aggregate

SHEET = "Tổng hợp"
ROWS = range(10, 110)
COLUMNS = "DEFGH"
GOAL_SECONDS = 1.0
BLANK_SHARE = 0.05


def synthetic_form() -> CompiledForm:
    """500 inputs D10:H109; I = row total, J = E/D ratio; totals in row 110."""
    cells: dict[str, dict[str, Any]] = {}

    def formula(ref: str, text: str, deps: list[str]) -> None:
        cells[f"{SHEET}!{ref}"] = {
            "formula": text,
            "deps": [f"{SHEET}!{d}" for d in deps],
        }

    for r in ROWS:
        formula(f"I{r}", f"=SUM(D{r}:H{r})", [f"{c}{r}" for c in COLUMNS])
        formula(f"J{r}", f'=IFERROR(E{r}/D{r}*100,"")', [f"D{r}", f"E{r}"])
    last = ROWS[-1]
    for c in [*COLUMNS, "I"]:
        formula(f"{c}110", f"=SUM({c}10:{c}{last})", [f"{c}{r}" for r in ROWS])
    formula("J110", '=IFERROR(E110/D110*100,"")', ["D110", "E110"])
    formula(
        "K110",
        '=IFERROR(ROUND(I110/COUNT(I10:I109),2),"")',
        ["I110"] + [f"I{r}" for r in ROWS],
    )
    inputs = {f"{SHEET}!{c}{r}": {"aggregate": "sum"} for r in ROWS for c in COLUMNS}
    schema = {
        "type": "object",
        "properties": {a: {"x-kind": "decimal"} for a in inputs},
    }
    formulas = {
        "version": 1,
        "cells": cells,
        "order": list(cells),
        "constants": {},
        "inputs": inputs,
    }
    return CompiledForm(
        schema=schema, layout={"version": 1, "sheets": []}, formulas=formulas
    )


def submissions(form: CompiledForm, units: int, seed: int = 7) -> list[UnitData]:
    """Random unit data: two decimals, 5 % blanks, codes like a commune's."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    addresses = list(form.formulas["inputs"])
    return [
        UnitData(
            f"{28000 + n}",
            {
                a: round(rng.uniform(0, 5000), 2)
                for a in addresses
                if rng.random() >= BLANK_SHARE
            },
        )
        for n in range(units)
    ]


def timed(action: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    """Median wall time of ``rounds`` calls and the last result."""
    times = []
    result = None
    for _ in range(rounds):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_combine(form: CompiledForm, units: list[UnitData]) -> dict[str, float]:
    """The peer's combine step: for every cell, read it from every submission."""
    combined = {}
    for address in form.formulas["inputs"]:
        values = [u.data.get(address) for u in units]
        numbers = [v for v in values if isinstance(v, int | float)]
        if numbers:
            combined[address] = sum(numbers)
    return combined


def excel_model_recalc(
    form: CompiledForm, combined: dict[str, float], workdir: Path
) -> Any:
    """The peer's recompute: one summed workbook, openpyxl + formulas.ExcelModel."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    for address, value in combined.items():
        ws[address.split("!")[1]] = value
    for address, spec in form.formulas["cells"].items():
        ws[address.split("!")[1]] = spec["formula"]
    path = workdir / "summed.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    model = formulas.ExcelModel().loads(str(path)).finish()
    return model.calculate()


def main() -> None:
    """Print the timings and whether the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    form = synthetic_form()
    units = submissions(form, args.units)
    total_values = sum(len(u.data) for u in units)
    print(
        f"{args.units} submissions x {len(form.formulas['inputs'])} inputs "
        f"({total_values:,} values), {len(form.formulas['cells'])} formulas"
    )

    cold, _ = timed(lambda: aggregate(form, units), 1)
    calculator = Calculator(form)
    warm, result = timed(
        lambda: aggregate(form, units, calculator=calculator), args.rounds
    )
    drill, _ = timed(lambda: result.contributions(f"{SHEET}!J10"), 1)
    print(
        f"baocao aggregate + recompute (cached Calculator): {warm * 1000:.1f} ms "
        f"(median of {args.rounds})"
    )
    print(
        f"baocao aggregate + recompute (cold, builds Calculator): {cold * 1000:.1f} ms"
    )
    print(
        f"baocao drill-down of a ratio cell over {args.units} units (first call): "
        f"{drill * 1000:.1f} ms"
    )

    combine, combined = timed(lambda: naive_combine(form, units), 1)
    with tempfile.TemporaryDirectory() as tmp:
        recalc, _ = timed(lambda: excel_model_recalc(form, combined, Path(tmp)), 1)
    peer = combine + recalc
    print(
        f"peer: per-cell Python combine {combine * 1000:.1f} ms + "
        "openpyxl/formulas.ExcelModel "
        f"recalculation {recalc * 1000:.1f} ms = {peer * 1000:.1f} ms"
    )
    print(f"speed-up over the peer: {peer / warm:.1f}x")
    total = result.computed[f"{SHEET}!I110"]
    check = sum(combined.values())
    print(f"check: grand total {total:,.2f} vs peer's inputs sum {check:,.2f}")
    verdict = "MET" if warm <= GOAL_SECONDS else "MISSED"
    print(f"goal ≤ {GOAL_SECONDS:.0f} s: {verdict} ({warm:.3f} s)")


if __name__ == "__main__":
    main()
