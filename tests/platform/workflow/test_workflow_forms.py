"""The form's validator and Calculator as the workflow uses them, under threads."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.services import workflow_forms
from baocao.schemas import Calculator, CompiledForm

TEMPLATE = Path(__file__).resolve().parents[3] / "platform/seed/forms/bieu01_ktxh.xlsx"


@pytest.fixture
def compiled() -> CompiledForm:
    result = compile_workbook(TEMPLATE.read_bytes())
    return CompiledForm(
        result.schema, result.layout, result.formulas, "sha-test", "test"
    )


@pytest.fixture
def switching_often() -> Iterator[None]:
    """Threads change hands every microsecond, so that a race shows up."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_concurrent_saves_of_one_form_version_compute_their_own_values(
    compiled: CompiledForm, switching_often: None
) -> None:
    """WF-F01: the cached Calculator is shared; each save still gets its values."""
    regime = SimpleNamespace(form_id="f-concurrent", form_version=1)
    compute = workflow_forms.compute_for(regime, lambda _id, _n: compiled)
    assert compute is not None
    cells = [
        c for c, p in compiled.schema["properties"].items() if p.get("type") == "number"
    ]
    inputs = [{c: 100 * t + i + 1 for i, c in enumerate(cells)} for t in range(8)]
    expected = [Calculator(compiled).calculate(data) for data in inputs]
    wrong: list[int] = []
    barrier = threading.Barrier(len(inputs))

    def save(index: int) -> None:
        barrier.wait()
        for _ in range(40):
            computed, errors = compute(inputs[index])
            if errors or computed != expected[index]:
                wrong.append(index)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
